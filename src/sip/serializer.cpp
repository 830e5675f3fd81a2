#include "sip/serializer.hpp"

namespace tandem::sip {

std::string serialize(const Message& message) {
  std::string out;
  serialize_to(message, out);
  return out;
}

void serialize_to(const Message& m, std::string& out) {
  size_t estimate = 64 + m.body().size();
  for (const Header& h : m.headers()) estimate += h.name.size() + h.value.size() + 4;
  out.reserve(out.size() + estimate);
  if (m.is_request()) {
    out += m.method();
    out.push_back(' ');
    out += m.request_uri().to_string();
    out += " SIP/2.0\r\n";
  } else {
    out += "SIP/2.0 ";
    out += std::to_string(m.status());
    out.push_back(' ');
    out += m.reason();
    out += "\r\n";
  }
  for (const Header& h : m.headers()) {
    if (h.id == HeaderId::kContentLength) continue;
    out += h.id == HeaderId::kOther ? std::string_view(h.name) : canonical_name(h.id);
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  out += "Content-Length: ";
  out += std::to_string(m.body().size());
  out += "\r\n\r\n";
  out += m.body();
}

}  // namespace tandem::sip
