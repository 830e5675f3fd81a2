#include "sip/rate_limiter.hpp"

#include <algorithm>

namespace tandem::sip {

namespace {

std::array<unsigned char, 16> key_of(const boost::asio::ip::address& ip) {
  if (ip.is_v6()) {
    return ip.to_v6().to_bytes();
  }
  return boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, ip.to_v4()).to_bytes();
}

size_t hash_of(const std::array<unsigned char, 16>& key) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : key) {
    h = (h ^ c) * 1099511628211ull;
  }
  return static_cast<size_t>(h ^ (h >> 29));
}

}  // namespace

RateLimiter::RateLimiter(RateLimit limit) : limit_(std::move(limit)) {
  if (limit_.burst <= 0) {
    limit_.burst = std::max(1.0, 2 * limit_.messages_per_second);
  }
  if (enabled()) {
    slots_.resize(std::max<size_t>(limit_.max_sources, kProbes));
  }
}

RateLimiter::Slot& RateLimiter::slot_for(const Key& key, TimePoint now) {
  const size_t start = hash_of(key) % slots_.size();
  Slot* stalest = nullptr;
  for (size_t i = 0; i < kProbes; ++i) {
    Slot& s = slots_[(start + i) % slots_.size()];
    if (s.used && s.key == key) {
      return s;
    }
    if (!s.used) {
      stalest = &s;
      break;
    }
    if (stalest == nullptr || s.last < stalest->last) {
      stalest = &s;
    }
  }
  // A new source, in a free slot or in place of the one heard from longest ago.
  if (!stalest->used) {
    ++tracked_;
  }
  *stalest = Slot{key, true, limit_.burst, now, now, 0, 0};
  return *stalest;
}

bool RateLimiter::admit(const boost::asio::ip::address& source, TimePoint now) {
  if (!enabled()) {
    return true;
  }
  Slot& s = slot_for(key_of(source), now);
  const double elapsed = std::chrono::duration<double>(now - s.last).count();
  s.tokens = std::min(limit_.burst, s.tokens + std::max(0.0, elapsed) * limit_.messages_per_second);
  s.last = now;
  if (now - s.period_start >= limit_.report_period) {
    s.dropped_before = s.dropped_in_period;
    s.dropped_in_period = 0;
    s.period_start = now;
  }
  if (s.tokens >= 1) {
    s.tokens -= 1;
    return true;
  }
  ++dropped_;
  if (s.dropped_in_period++ == 0 && limit_.on_flood) {
    limit_.on_flood(source, s.dropped_before);
  }
  return false;
}

}  // namespace tandem::sip
