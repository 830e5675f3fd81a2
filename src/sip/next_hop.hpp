// Where a request goes next: the seam between the user agent core and RFC 3263 target
// resolution. The core asks a NextHop for the ordered targets of a URI (the first Route, else the
// Request-URI, §8.1.2) together with the FlowOpener that reaches them, and tries them in turn
// (FailoverSender). ResolvingNextHop (target_next_hop.hpp) resolves host names with DNS;
// LiteralNextHop serves IP literals without DNS, through the same target rules.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "common/result.hpp"
#include "sip/target_selection.hpp"
#include "sip/transport.hpp"
#include "sip/uri.hpp"

namespace tandem::sip {

class UdpTransport;
class TcpTransport;
class TlsTransport;

using FlowDone = std::function<void(Result<Flow>)>;

// Opens the flow a target needs: UDP at once; TCP and TLS reuse or open a connection.
class FlowOpener {
 public:
  virtual ~FlowOpener() = default;
  virtual void open(const Target& target, FlowDone done) = 0;
  // The address requests over `kind` are sent from (the Via sent-by); nullopt without one.
  virtual std::optional<PeerAddress> local_address(TransportKind kind) const = 0;
};

// FlowOpener over our transports (any may be null: that transport is not available). The
// transports may be set after construction: they need the transaction layer, which needs its
// user, whose configuration names this opener.
class TransportFlowOpener final : public FlowOpener {
 public:
  TransportFlowOpener(UdpTransport* udp = nullptr, TcpTransport* tcp = nullptr,
                      TlsTransport* tls = nullptr)
      : udp_(udp), tcp_(tcp), tls_(tls) {}
  void set_udp(UdpTransport* udp) { udp_ = udp; }
  void set_tcp(TcpTransport* tcp) { tcp_ = tcp; }
  void set_tls(TlsTransport* tls) { tls_ = tls; }
  void open(const Target& target, FlowDone done) override;
  std::optional<PeerAddress> local_address(TransportKind kind) const override;

 private:
  UdpTransport* udp_;
  TcpTransport* tcp_;
  TlsTransport* tls_;
};

// The places a request may go, in the order to try them (RFC 3263 §4.3), and how to reach them.
struct NextHops {
  std::vector<Target> targets;
  std::shared_ptr<FlowOpener> opener;  // never null in a successful answer
};

using NextHopDone = std::function<void(Result<NextHops>)>;
// Calls `done` (now or later, on the signaling thread) with the targets for `uri`.
using NextHop = std::function<void(const Uri& uri, NextHopDone done)>;

// Next hops for URIs whose host is an IP literal (plan_targets: transport from `transport=` or
// sips, port from the URI or the transport's default). Host names are an error: use
// ResolvingNextHop for those.
class LiteralNextHop {
 public:
  LiteralNextHop(UdpTransport* udp, TcpTransport* tcp, TlsTransport* tls)
      : opener_(std::make_shared<TransportFlowOpener>(udp, tcp, tls)) {}
  void operator()(const Uri& uri, const NextHopDone& done) const;

 private:
  std::shared_ptr<FlowOpener> opener_;
};

// The flow of the first target of `uri` that can be reached, for what is sent without a
// transaction (the ACK for a 2xx).
void open_first(const NextHop& next_hop, const Uri& uri, FlowDone done);

}  // namespace tandem::sip
