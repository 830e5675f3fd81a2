// Sliding replay window over packet indexes (RFC 3711 §3.3.2), 128 packets wide (the RFC's
// minimum is 64). Used with 48-bit SRTP indexes and 31-bit SRTCP indexes alike.
#pragma once

#include <cstdint>

namespace tandem::srtp {

class ReplayWindow {
 public:
  static constexpr uint64_t kSize = 128;

  enum class Verdict : uint8_t { kNew, kReplay, kTooOld };

  bool started() const noexcept { return started_; }
  // The highest index accepted so far; meaningful once started().
  uint64_t highest() const noexcept { return highest_; }

  Verdict check(uint64_t index) const noexcept;

  // Records index as received. Call only after check(index) gave kNew and the packet
  // authenticated, so forged packets never move the window.
  void accept(uint64_t index) noexcept;

 private:
  bool test_bit(uint64_t distance) const noexcept;

  uint64_t highest_ = 0;
  // Bit d of the 128-bit mask (word d / 64) is set when index highest_ - d was received.
  uint64_t mask_[2] = {0, 0};
  bool started_ = false;
};

}  // namespace tandem::srtp
