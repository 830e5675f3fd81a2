#include "sip/transport.hpp"

namespace tandem::sip {

std::string_view transport_name(TransportKind kind) {
  switch (kind) {
    case TransportKind::kUdp:
      return "UDP";
    case TransportKind::kTcp:
      return "TCP";
    case TransportKind::kTls:
      return "TLS";
    case TransportKind::kWs:
      return "WS";
    case TransportKind::kWss:
      return "WSS";
  }
  return "UDP";
}

std::string PeerAddress::to_string() const {
  const std::string host = ip.is_v6() ? "[" + ip.to_string() + "]" : ip.to_string();
  return host + ":" + std::to_string(port);
}

}  // namespace tandem::sip
