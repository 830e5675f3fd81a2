// A NextHop (next_hop.hpp) for the user agent core that resolves host names per RFC 3263 and
// hands back the flow of the first target that can be reached: targets whose connection fails
// are skipped (§4.3). Failover once a request is on the wire (timeout, 503) belongs to whoever
// owns the request's transactions: FailoverSender does that for a standalone request.
#pragma once

#include <memory>
#include <vector>

#include "sip/failover_sender.hpp"
#include "sip/next_hop.hpp"
#include "sip/target_resolver.hpp"

namespace tandem::sip {

class ResolvingNextHop {
 public:
  // Both must outlive every copy of this (NextHop is a copyable std::function).
  ResolvingNextHop(TargetResolver& resolver, FlowOpener& opener)
      : resolver_(&resolver), opener_(&opener) {}
  void operator()(const Uri& uri, NextHopDone done) const;

 private:
  static void open_from(FlowOpener* opener, std::shared_ptr<std::vector<Target>> targets,
                        size_t index, std::string failures, NextHopDone done);

  TargetResolver* resolver_;
  FlowOpener* opener_;
};

}  // namespace tandem::sip
