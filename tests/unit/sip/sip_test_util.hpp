// Helpers for SIP tests: fixtures are written with "\n" and sent with CRLF, as on the wire.
#pragma once

#include <string>
#include <string_view>

namespace tandem::sip::test {

inline std::string crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 64);
  for (char c : text) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

}  // namespace tandem::sip::test
