// Where a request goes next: the seam between the user agent core and target resolution. The
// core asks a NextHop for a Flow toward a URI (the first Route, else the Request-URI, §8.1.2);
// an RFC 3263 resolver can replace LiteralNextHop without the core changing.
#pragma once

#include <functional>

#include "common/result.hpp"
#include "sip/transport.hpp"
#include "sip/uri.hpp"

namespace tandem::sip {

class UdpTransport;
class TcpTransport;
class TlsTransport;

using NextHopDone = std::function<void(Result<Flow>)>;
// Calls `done` (now or later, on the signaling thread) with the flow to send on.
using NextHop = std::function<void(const Uri& uri, NextHopDone done)>;

// Next hops for URIs whose host is an IP literal: the transport from `transport=` (sips: TLS,
// default UDP), the port from the URI (default 5060, 5061 for TLS), `maddr` ignored. Connections
// for TCP and TLS are opened (or reused) through the transport's send_to. Host names are an
// error until a resolver is plugged in.
class LiteralNextHop {
 public:
  LiteralNextHop(UdpTransport* udp, TcpTransport* tcp, TlsTransport* tls)
      : udp_(udp), tcp_(tcp), tls_(tls) {}
  void operator()(const Uri& uri, NextHopDone done) const;

 private:
  UdpTransport* udp_;
  TcpTransport* tcp_;
  TlsTransport* tls_;
};

// The transport a URI asks for (RFC 3263 §4.1 without DNS): transport= or sips.
Result<TransportKind> transport_for(const Uri& uri);

}  // namespace tandem::sip
