#include "sdp/session_description.hpp"

namespace tandem::sdp {

const MediaDescription* SessionDescription::find_media_by_mid(std::string_view mid) const {
  for (const MediaDescription& m : media) {
    if (m.mid() == mid) return &m;
  }
  return nullptr;
}

MediaDescription* SessionDescription::find_media_by_mid(std::string_view mid) {
  for (MediaDescription& m : media) {
    if (m.mid() == mid) return &m;
  }
  return nullptr;
}

}  // namespace tandem::sdp
