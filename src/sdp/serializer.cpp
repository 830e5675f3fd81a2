#include "sdp/serializer.hpp"

#include <fmt/format.h>

namespace tandem::sdp {
namespace {

void put(std::string& out, char type, std::string_view value) {
  out += type;
  out += '=';
  out += value;
  out += "\r\n";
}

void put_common(std::string& out, const std::vector<Bandwidth>& bandwidths,
                const std::optional<std::string>& key) {
  for (const Bandwidth& b : bandwidths) put(out, 'b', to_string(b));
  if (key) put(out, 'k', *key);
}

void put_attributes(std::string& out, const AttributeList& attributes) {
  for (const Attribute& a : attributes) put(out, 'a', to_string(a));
}

void put_times(std::string& out, const std::vector<Timing>& times) {
  if (times.empty()) put(out, 't', "0 0");
  for (const Timing& t : times) {
    put(out, 't', to_string(t));
    for (const RepeatTime& r : t.repeats) put(out, 'r', to_string(r));
  }
}

void put_media(std::string& out, const MediaDescription& m) {
  put(out, 'm', media_line(m));
  if (m.title) put(out, 'i', *m.title);
  if (m.connection) put(out, 'c', to_string(*m.connection));
  put_common(out, m.bandwidths, m.key);
  put_attributes(out, m.attributes);
}

}  // namespace

std::string to_string(const Attribute& a) {
  if (!a.value) return a.name;
  return a.name + ':' + *a.value;
}

std::string media_line(const MediaDescription& m) {
  std::string out = fmt::format("{} {}", m.media, m.port);
  if (m.port_count) out += fmt::format("/{}", *m.port_count);
  out += ' ';
  out += m.proto;
  for (const std::string& f : m.formats) {
    out += ' ';
    out += f;
  }
  return out;
}

std::string serialize_sdp(const SessionDescription& sd) {
  std::string out;
  out.reserve(1024 + 64 * sd.attributes.size() + 2048 * sd.media.size());
  put(out, 'v', "0");
  put(out, 'o', to_string(sd.origin));
  put(out, 's', sd.session_name);
  if (sd.information) put(out, 'i', *sd.information);
  if (sd.uri) put(out, 'u', *sd.uri);
  for (const std::string& e : sd.emails) put(out, 'e', e);
  for (const std::string& p : sd.phones) put(out, 'p', p);
  if (sd.connection) put(out, 'c', to_string(*sd.connection));
  for (const Bandwidth& b : sd.bandwidths) put(out, 'b', to_string(b));
  put_times(out, sd.times);
  if (!sd.time_zones.empty()) put(out, 'z', to_string(sd.time_zones));
  if (sd.key) put(out, 'k', *sd.key);
  put_attributes(out, sd.attributes);
  for (const MediaDescription& m : sd.media) put_media(out, m);
  return out;
}

}  // namespace tandem::sdp
