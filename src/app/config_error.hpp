// One configuration problem: the dotted key it concerns (empty for the file as a whole), the line
// in the file when known, and what is wrong, phrased as "got X, expected Y".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tandem::app {

struct ConfigError {
  std::string key;  // "sip.transport", "credentials.user[2].password"
  std::string message;
  uint32_t line = 0;  // 1-based, 0 when unknown

  // "line 12: sip.transport: got \"sctp\", expected one of udp, tcp, tls"
  std::string describe() const;
};

using ConfigErrors = std::vector<ConfigError>;

}  // namespace tandem::app
