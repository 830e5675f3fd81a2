#include "srtp/replay_window.hpp"

namespace tandem::srtp {

bool ReplayWindow::test_bit(uint64_t distance) const noexcept {
  return (mask_[distance / 64] >> (distance % 64)) & 1u;
}

ReplayWindow::Verdict ReplayWindow::check(uint64_t index) const noexcept {
  if (!started_ || index > highest_) return Verdict::kNew;
  const uint64_t distance = highest_ - index;
  if (distance >= kSize) return Verdict::kTooOld;
  return test_bit(distance) ? Verdict::kReplay : Verdict::kNew;
}

void ReplayWindow::accept(uint64_t index) noexcept {
  if (!started_) {
    started_ = true;
    highest_ = index;
    mask_[0] = 1;
    mask_[1] = 0;
    return;
  }
  if (index > highest_) {
    const uint64_t shift = index - highest_;
    if (shift >= kSize) {
      mask_[0] = mask_[1] = 0;
    } else if (shift >= 64) {
      mask_[1] = mask_[0] << (shift - 64);
      mask_[0] = 0;
    } else {
      mask_[1] = (mask_[1] << shift) | (mask_[0] >> (64 - shift));
      mask_[0] <<= shift;
    }
    mask_[0] |= 1;
    highest_ = index;
    return;
  }
  const uint64_t distance = highest_ - index;
  if (distance < kSize) mask_[distance / 64] |= uint64_t{1} << (distance % 64);
}

}  // namespace tandem::srtp
