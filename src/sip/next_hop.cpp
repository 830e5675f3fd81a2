#include "sip/next_hop.hpp"

#include "sip/tcp_transport.hpp"
#include "sip/tls_transport.hpp"
#include "sip/udp_transport.hpp"

namespace tandem::sip {

Result<TransportKind> transport_for(const Uri& uri) {
  if (!uri.is_sip()) return Error{"cannot route to a non-SIP URI: " + uri.to_string()};
  const std::string t = uri.transport();
  if (uri.scheme == Uri::Scheme::kSips || t == "tls") return TransportKind::kTls;
  if (t.empty() || t == "udp") return TransportKind::kUdp;
  if (t == "tcp") return TransportKind::kTcp;
  if (t == "ws") return TransportKind::kWs;
  if (t == "wss") return TransportKind::kWss;
  return Error{"unsupported transport \"" + t + "\""};
}

void LiteralNextHop::operator()(const Uri& uri, NextHopDone done) const {
  auto kind = transport_for(uri);
  if (!kind) return done(kind.error());
  std::string host = uri.host;
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(host, ec);
  if (ec) return done(Error{"no resolver for host name \"" + uri.host + "\""});
  const PeerAddress remote{ip, uri.port.value_or(*kind == TransportKind::kTls ? 5061 : 5060)};
  switch (*kind) {
    case TransportKind::kUdp:
      if (udp_ == nullptr) return done(Error{"no UDP transport"});
      return done(Flow{TransportKind::kUdp, remote, udp_->local_address(), 0});
    case TransportKind::kTcp:
      if (tcp_ == nullptr) return done(Error{"no TCP transport"});
      return tcp_->send_to(remote, {}, std::move(done));
    case TransportKind::kTls:
      if (tls_ == nullptr) return done(Error{"no TLS transport"});
      return tls_->send_to(remote, {}, std::move(done));
    default:
      return done(Error{"WebSocket peers are reached only on their own connections"});
  }
}

}  // namespace tandem::sip
