// Per-source-address flood protection for the SIP transports: a token bucket per source IP in a
// fixed table allocated once, so a flood costs a hash lookup per datagram and no allocation.
// Beyond its rate a source is dropped (UDP) or disconnected (TCP, TLS, WS) and reported once per
// period; other sources keep their own buckets and are not disturbed.
#pragma once

#include <array>
#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <functional>
#include <vector>

#include "common/clock.hpp"

namespace tandem::sip {

struct RateLimit {
  double messages_per_second = 0;  // 0: no limit
  double burst = 0;                // bucket size; 0: two seconds' worth
  size_t max_sources = 4096;       // table size; the stalest source gives way when full
  Duration report_period{std::chrono::seconds(10)};
  // Called for the first drop of a source in each period, with the drops of the previous one.
  std::function<void(const boost::asio::ip::address& source, uint64_t dropped)> on_flood;
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimit limit = {});

  bool enabled() const { return limit_.messages_per_second > 0; }
  // True when a message from `source` at `now` fits its budget (and takes one token).
  bool admit(const boost::asio::ip::address& source, TimePoint now);

  uint64_t dropped() const { return dropped_; }
  size_t tracked_sources() const { return tracked_; }

 private:
  using Key = std::array<unsigned char, 16>;
  struct Slot {
    Key key{};
    bool used = false;
    double tokens = 0;
    TimePoint last{};
    TimePoint period_start{};
    uint64_t dropped_in_period = 0;
    uint64_t dropped_before = 0;  // in the previous reported period
  };
  static constexpr size_t kProbes = 8;  // linear probing window; bounds the work per message

  Slot& slot_for(const Key& key, TimePoint now);

  RateLimit limit_;
  std::vector<Slot> slots_;
  uint64_t dropped_ = 0;
  size_t tracked_ = 0;
};

}  // namespace tandem::sip
