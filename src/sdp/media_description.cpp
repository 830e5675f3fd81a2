#include "sdp/media_description.hpp"

namespace tandem::sdp {

bool MediaDescription::is_rtp() const {
  // Every RTP profile name has "RTP/" as a component: RTP/AVP, TCP/TLS/RTP/SAVPF, ...
  return proto.starts_with("RTP/") || proto.find("/RTP/") != std::string::npos;
}

}  // namespace tandem::sdp
