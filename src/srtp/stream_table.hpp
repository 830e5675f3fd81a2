// Fixed-capacity per-SSRC state of one SRTP session, allocated once at session creation so the
// packet path never allocates. Linear search: sessions carry a handful of SSRCs. The first
// kInlineSlots live inside the table (i.e. inside the SrtpSession, inside its owner), the rest
// on the heap: a media worker with hundreds of sessions meets each session's state cold, and a
// session's usual one or two streams then cost no cache miss beyond its own object's.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "common/result.hpp"
#include "srtp/replay_window.hpp"

namespace tandem::srtp {

struct StreamState {
  uint32_t ssrc = 0;
  bool in_use = false;
  // SRTP: highest() is the 48-bit index ROC || s_l (RFC 3711 §3.3.1); the mask is the replay
  // list of received (inbound) or already protected (outbound) indexes.
  ReplayWindow rtp;
  // SRTCP inbound: indexes received (§3.4 carries them explicitly, no estimation).
  ReplayWindow rtcp;
  // SRTCP outbound: the next index to send; §3.4 starts it at zero.
  uint32_t rtcp_next_index = 0;
};

class StreamTable {
 public:
  static constexpr size_t kMaxCapacity = 1024;
  static constexpr size_t kInlineSlots = 2;

  static Result<StreamTable> create(size_t capacity);

  StreamState* find(uint32_t ssrc) noexcept;
  // A fresh slot for ssrc (which must not be present), or nullptr when the table is full.
  StreamState* insert(uint32_t ssrc) noexcept;
  bool remove(uint32_t ssrc) noexcept;

  bool full() const noexcept { return size_ == capacity_; }
  size_t size() const noexcept { return size_; }
  size_t capacity() const noexcept { return capacity_; }

 private:
  StreamTable(std::unique_ptr<StreamState[]> more, size_t capacity)
      : more_(std::move(more)), capacity_(capacity) {}
  StreamState& slot(size_t i) noexcept {
    return i < kInlineSlots ? inline_[i] : more_[i - kInlineSlots];
  }

  std::array<StreamState, kInlineSlots> inline_{};
  std::unique_ptr<StreamState[]> more_;  // capacity - kInlineSlots, or none
  size_t capacity_ = 0;
  size_t size_ = 0;
  size_t last_hit_ = 0;  // consecutive packets mostly share an SSRC
};

}  // namespace tandem::srtp
