#include "app/config.hpp"

#include "app/config_error.hpp"

namespace tandem::app {

const char* to_string(SipTransport t) {
  switch (t) {
    case SipTransport::kUdp:
      return "udp";
    case SipTransport::kTcp:
      return "tcp";
    case SipTransport::kTls:
      return "tls";
  }
  return "?";
}

const char* to_string(LogLevel l) {
  switch (l) {
    case LogLevel::kTrace:
      return "trace";
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
    case LogLevel::kOff:
      return "off";
  }
  return "?";
}

const char* to_string(LogFormat f) { return f == LogFormat::kJson ? "json" : "text"; }

const char* to_string(CredentialMode m) {
  return m == CredentialMode::kPassthrough ? "passthrough" : "store";
}

std::string ConfigError::describe() const {
  std::string out;
  if (line != 0) out += "line " + std::to_string(line) + ": ";
  if (!key.empty()) out += key + ": ";
  return out + message;
}

}  // namespace tandem::app
