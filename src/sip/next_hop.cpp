#include "sip/next_hop.hpp"

#include "sip/tcp_transport.hpp"
#include "sip/tls_transport.hpp"
#include "sip/udp_transport.hpp"

namespace tandem::sip {
namespace {

void open_from(std::shared_ptr<NextHops> hops, size_t index, std::string failures, FlowDone done) {
  FlowOpener& opener = *hops->opener;
  const Target& target = hops->targets[index];
  opener.open(target, [hops = std::move(hops), index, failures = std::move(failures),
                       done = std::move(done)](Result<Flow> flow) mutable {
    if (flow) return done(std::move(flow));
    failures += (failures.empty() ? "" : "; ") + flow.error().reason;
    if (index + 1 < hops->targets.size()) {
      return open_from(std::move(hops), index + 1, std::move(failures), std::move(done));
    }
    done(Error{"no target reachable: " + failures});
  });
}

}  // namespace

void TransportFlowOpener::open(const Target& target, FlowDone done) {
  switch (target.transport) {
    case TransportKind::kUdp:
      if (udp_ == nullptr) break;
      return done(Flow{TransportKind::kUdp, target.address, udp_->local_address(), 0});
    case TransportKind::kTcp:
      if (tcp_ == nullptr) break;
      // Nothing to write yet: the transaction sends the request once the flow exists.
      return tcp_->send_to(target.address, std::string(), std::move(done));
    case TransportKind::kTls:
      if (tls_ == nullptr) break;
      // RFC 5922 §4.1: the certificate must match the URI's domain, not the SRV target.
      return tls_->send_to(target.address, std::string(), std::move(done), target.domain);
    case TransportKind::kWs:
    case TransportKind::kWss:
      break;
  }
  done(Error{"no " + std::string(transport_name(target.transport)) + " transport to reach " +
             target.address.to_string()});
}

std::optional<PeerAddress> TransportFlowOpener::local_address(TransportKind kind) const {
  switch (kind) {
    case TransportKind::kUdp:
      if (udp_ != nullptr) return udp_->local_address();
      break;
    case TransportKind::kTcp:
      if (tcp_ != nullptr) return tcp_->local_address();
      break;
    case TransportKind::kTls:
      if (tls_ != nullptr) return tls_->local_address();
      break;
    default:
      break;
  }
  return std::nullopt;
}

void LiteralNextHop::operator()(const Uri& uri, const NextHopDone& done) const {
  auto plan = plan_targets(uri);
  if (!plan) return done(plan.error());
  auto target = numeric_target(*plan);
  if (!target) return done(Error{"no resolver for host name \"" + uri.host + "\""});
  done(NextHops{{*target}, opener_});
}

void open_first(const NextHop& next_hop, const Uri& uri, FlowDone done) {
  if (!next_hop) return done(Error{"no next hop configured"});
  next_hop(uri, [done = std::move(done)](Result<NextHops> hops) mutable {
    if (!hops) return done(hops.error());
    if (hops->targets.empty() || !hops->opener) return done(Error{"no targets"});
    open_from(std::make_shared<NextHops>(std::move(*hops)), 0, {}, std::move(done));
  });
}

}  // namespace tandem::sip
