// RFC 3263 §4 client target resolution: turns a SIP or SIPS URI into the ordered list of
// (transport, address, port) targets to try, asking NAPTR, then SRV, then A/AAAA as the URI
// leaves open. Numeric hosts need no DNS; an explicit port skips NAPTR and SRV; an explicit
// transport skips NAPTR.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "sip/dns_lookup.hpp"
#include "sip/target_selection.hpp"
#include "sip/uri.hpp"

namespace tandem::sip {

struct TargetOptions {
  // The transports we can send on. Their order is the preference where DNS leaves the choice to
  // us (SRV queries when a domain has no NAPTR records).
  std::vector<TransportKind> transports{TransportKind::kUdp, TransportKind::kTcp,
                                        TransportKind::kTls};
  bool ipv4 = true;
  bool ipv6 = true;
  bool prefer_ipv6 = false;  // order of a host's addresses: A first unless set
  size_t max_targets = 16;   // a hostile zone cannot make us try thousands
};

using TargetCallback = std::function<void(Result<std::vector<Target>>)>;

class TargetResolver {
 public:
  // `dns` and `io` must outlive this.
  TargetResolver(boost::asio::io_context& io, DnsLookup& dns, TargetOptions options = {},
                 RandomPick random = default_random_pick());
  // Drops pending resolutions: their callbacks never run.
  ~TargetResolver();
  TargetResolver(const TargetResolver&) = delete;
  TargetResolver& operator=(const TargetResolver&) = delete;

  // `done` runs later on `io` with the targets in the order to try them, or why there are none
  // (Error::status carries the DNS RCODE, such as kDnsNxDomain, when DNS said so).
  void resolve(const Uri& uri, TargetCallback done);

  size_t pending() const { return jobs_.size(); }

 private:
  class Job;
  friend class Job;

  void complete(uint64_t id, Result<std::vector<Target>> result);

  boost::asio::io_context& io_;
  DnsLookup& dns_;
  TargetOptions options_;
  RandomPick random_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::shared_ptr<Job>> jobs_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tandem::sip
