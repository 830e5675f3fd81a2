#include "media/dtmf_generator.hpp"

#include <algorithm>

namespace tandem::media {

bool DtmfGenerator::push(uint8_t event, Duration duration, uint32_t clock_rate) noexcept {
  if (count_ == kQueue || clock_rate == 0) return false;
  // A SIP INFO's Duration is the peer's word: at most what the 16-bit duration field holds
  // (no long-event segments, RFC 4733 §2.5.2.1) and at most kMaxDuration.
  const Duration field_max{int64_t{0xFFFF} * 1000 / clock_rate};
  duration = std::clamp(duration, Duration{0}, std::min(kMaxDuration, field_max));
  queue_[(head_ + count_) % kQueue] = Pending{event, duration, clock_rate};
  ++count_;
  return true;
}

std::optional<DtmfGenerator::Packet> DtmfGenerator::next(TimePoint now) noexcept {
  if (!playing_) {
    if (count_ == 0) return std::nullopt;
    current_ = queue_[head_];
    head_ = (head_ + 1) % kQueue;
    --count_;
    playing_ = true;
    sent_ = 0;
    const auto intervals = static_cast<size_t>((current_.duration + kInterval / 2) / kInterval);
    updates_ = std::max(kMinUpdates, intervals);
    due_ = now;
  }
  if (now < due_) return std::nullopt;
  due_ += kInterval;
  if (due_ < now) due_ = now;  // a late tick does not make a burst
  const auto ticks_per_interval =
      static_cast<uint32_t>(current_.clock_rate * kInterval.count() / 1000);
  Packet p;
  p.event.event = current_.event;
  p.event.volume = kVolume;
  p.start = sent_ == 0;
  const size_t progress = std::min(sent_ + 1, updates_);
  p.event.duration = static_cast<uint16_t>(
      std::min<uint32_t>(0xFFFF, static_cast<uint32_t>(progress) * ticks_per_interval));
  p.event.end = sent_ >= updates_;
  ++sent_;
  if (sent_ == updates_ + kEndRepeats) {
    playing_ = false;
    p.last = true;
  }
  return p;
}

}  // namespace tandem::media
