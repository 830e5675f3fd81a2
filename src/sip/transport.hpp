// What the SIP transports share: the kinds, peer addresses, the flow a message arrived on (so the
// answer can go back the same way), and the interfaces between transports and their user.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "sip/message.hpp"

namespace tandem::sip {

enum class TransportKind { kUdp, kTcp, kTls, kWs, kWss };

std::string_view transport_name(TransportKind kind);  // "UDP", "TCP", "TLS", "WS", "WSS"
inline bool is_reliable(TransportKind kind) { return kind != TransportKind::kUdp; }

struct PeerAddress {
  boost::asio::ip::address ip;
  uint16_t port = 0;

  std::string to_string() const;  // "192.0.2.1:5060", "[2001:db8::1]:5060"
  bool operator==(const PeerAddress&) const = default;
};

// The path a message travelled: enough to answer on the same connection or address.
struct Flow {
  TransportKind kind = TransportKind::kUdp;
  PeerAddress remote;
  PeerAddress local;
  uint64_t connection_id = 0;  // 0 for UDP; else the connection the message came in on
};

// Receives every well-formed message a transport reads. Malformed requests never get here: the
// transport answers them statelessly (400 with the reason, 505, 513) and counts them.
class TransportUser {
 public:
  virtual ~TransportUser() = default;
  virtual void on_message(Message message, const Flow& flow) = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual TransportKind kind() const = 0;
  virtual PeerAddress local_address() const = 0;
  // Sends on the flow's connection (reliable transports) or to its remote address (UDP).
  // False when that connection no longer exists.
  virtual bool send(std::string_view bytes, const Flow& flow) = 0;
};

// Counters every transport keeps, for metrics and tests.
struct TransportStats {
  uint64_t messages_in = 0;
  uint64_t messages_out = 0;
  uint64_t malformed = 0;   // rejected by the parser (answered when possible)
  uint64_t keepalives = 0;  // CRLF pings received
  uint64_t connections_refused = 0;
};

}  // namespace tandem::sip
