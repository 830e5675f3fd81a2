#include "srtp/stream_table.hpp"

#include <new>

namespace tandem::srtp {

Result<StreamTable> StreamTable::create(size_t capacity) {
  if (capacity == 0 || capacity > kMaxCapacity) {
    return Error{"SRTP stream capacity must be between 1 and 1024"};
  }
  std::unique_ptr<StreamState[]> more;
  if (capacity > kInlineSlots) {
    more.reset(new (std::nothrow) StreamState[capacity - kInlineSlots]);
    if (!more) return Error{"out of memory for SRTP stream table"};
  }
  return StreamTable(std::move(more), capacity);
}

StreamState* StreamTable::find(uint32_t ssrc) noexcept {
  StreamState& hint = slot(last_hit_);
  if (hint.in_use && hint.ssrc == ssrc) return &hint;
  for (size_t i = 0; i < capacity_; ++i) {
    StreamState& state = slot(i);
    if (state.in_use && state.ssrc == ssrc) {
      last_hit_ = i;
      return &state;
    }
  }
  return nullptr;
}

StreamState* StreamTable::insert(uint32_t ssrc) noexcept {
  if (full()) return nullptr;
  for (size_t i = 0; i < capacity_; ++i) {
    StreamState& state = slot(i);
    if (!state.in_use) {
      state = StreamState{};
      state.ssrc = ssrc;
      state.in_use = true;
      ++size_;
      last_hit_ = i;
      return &state;
    }
  }
  return nullptr;
}

bool StreamTable::remove(uint32_t ssrc) noexcept {
  StreamState* state = find(ssrc);
  if (state == nullptr) return false;
  *state = StreamState{};
  --size_;
  return true;
}

}  // namespace tandem::srtp
