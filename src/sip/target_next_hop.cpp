#include "sip/target_next_hop.hpp"

namespace tandem::sip {

void ResolvingNextHop::operator()(const Uri& uri, NextHopDone done) const {
  resolver_->resolve(
      uri, [opener = opener_, done = std::move(done)](Result<std::vector<Target>> targets) mutable {
        if (!targets) return done(targets.error());
        open_from(opener, std::make_shared<std::vector<Target>>(std::move(*targets)), 0, {},
                  std::move(done));
      });
}

void ResolvingNextHop::open_from(FlowOpener* opener, std::shared_ptr<std::vector<Target>> targets,
                                 size_t index, std::string failures, NextHopDone done) {
  const Target& target = (*targets)[index];
  opener->open(target, [opener, targets, index, failures = std::move(failures),
                        done = std::move(done)](Result<Flow> flow) mutable {
    if (flow) return done(std::move(flow));
    failures += (failures.empty() ? "" : "; ") + flow.error().reason;
    if (index + 1 < targets->size()) {
      return open_from(opener, std::move(targets), index + 1, std::move(failures), std::move(done));
    }
    done(Error{"no target reachable: " + failures});
  });
}

}  // namespace tandem::sip
