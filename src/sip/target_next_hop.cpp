#include "sip/target_next_hop.hpp"

namespace tandem::sip {

void ResolvingNextHop::operator()(const Uri& uri, NextHopDone done) const {
  resolver_->resolve(
      uri, [opener = opener_, done = std::move(done)](Result<std::vector<Target>> targets) mutable {
        if (!targets) return done(targets.error());
        done(NextHops{std::move(*targets), opener});
      });
}

}  // namespace tandem::sip
