// RFC 4733 events we originate toward the PBX (MediaPlane::send_dtmf, i.e. a browser's SIP INFO
// digit): one update every kInterval, the first with the marker bit, at least three before the
// end, then the end packet three times (§2.5.1.4), durations in the PBX's telephone-event clock.
// Digits asked for while one plays wait in a small queue. No allocation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/clock.hpp"
#include "rtp/telephone_event.hpp"

namespace tandem::media {

class DtmfGenerator {
 public:
  static constexpr Duration kInterval{20};
  static constexpr size_t kMinUpdates = 3;
  static constexpr size_t kEndRepeats = 3;
  static constexpr size_t kQueue = 16;
  static constexpr uint8_t kVolume = 10;  // -10 dBm0
  static constexpr Duration kMaxDuration{5000};

  struct Packet {
    rtp::TelephoneEvent event;
    bool start = false;  // first packet of the event: marker bit, new timestamp
    bool last = false;   // the final end repeat: the event is over after this one
  };

  // Queues an event; false when the queue is full. clock_rate: the PBX's telephone-event clock.
  bool push(uint8_t event, Duration duration, uint32_t clock_rate) noexcept;
  // The packet due at `now`, if any (call at least every kInterval).
  std::optional<Packet> next(TimePoint now) noexcept;
  bool idle() const noexcept { return !playing_ && count_ == 0; }

 private:
  struct Pending {
    uint8_t event = 0;
    Duration duration{};
    uint32_t clock_rate = 8000;
  };

  std::array<Pending, kQueue> queue_{};
  size_t head_ = 0;
  size_t count_ = 0;
  bool playing_ = false;
  Pending current_{};
  size_t updates_ = 0;  // progress packets the current event needs
  size_t sent_ = 0;     // packets of the current event sent so far
  TimePoint due_{};
};

}  // namespace tandem::media
