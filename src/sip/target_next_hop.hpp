// A NextHop (next_hop.hpp) that resolves host names per RFC 3263 (TargetResolver: NAPTR, SRV,
// A/AAAA; numeric hosts without DNS) and hands the ordered targets to the user agent core, which
// tries them in turn (FailoverSender).
#pragma once

#include <memory>

#include "sip/next_hop.hpp"
#include "sip/target_resolver.hpp"

namespace tandem::sip {

class ResolvingNextHop {
 public:
  // Both must outlive every copy of this (NextHop is a copyable std::function) and every request
  // sent through it.
  ResolvingNextHop(TargetResolver& resolver, FlowOpener& opener)
      : resolver_(&resolver),
        // Not owned: an aliasing pointer with no owner, so NextHops can carry it.
        opener_(std::shared_ptr<void>(), &opener) {}
  void operator()(const Uri& uri, NextHopDone done) const;

 private:
  TargetResolver* resolver_;
  std::shared_ptr<FlowOpener> opener_;
};

}  // namespace tandem::sip
