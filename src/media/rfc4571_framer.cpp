#include "media/rfc4571_framer.hpp"

#include <algorithm>
#include <cstring>

namespace tandem::media {

Rfc4571Framer::Rfc4571Framer(size_t max_frame, size_t frames_per_read)
    : max_frame_(max_frame),
      buffer_(std::max<size_t>(frames_per_read, 1) * (kHeaderSize + max_frame)) {}

std::span<uint8_t> Rfc4571Framer::free_space() noexcept {
  if (begin_ > 0) {
    // What is left is less than one frame (or a stream that will be closed): cheap to move.
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  return std::span<uint8_t>(buffer_).subspan(end_);
}

void Rfc4571Framer::commit(size_t n) noexcept { end_ = std::min(end_ + n, buffer_.size()); }

Rfc4571Framer::Next Rfc4571Framer::next() noexcept {
  if (oversize_) return {Status::kOversize, {}};
  if (end_ - begin_ < kHeaderSize) return {};
  const size_t length =
      (static_cast<size_t>(buffer_[begin_]) << 8) | static_cast<size_t>(buffer_[begin_ + 1]);
  if (length > max_frame_) {
    oversize_ = true;
    return {Status::kOversize, {}};
  }
  if (end_ - begin_ < kHeaderSize + length) return {};
  const auto frame = std::span<uint8_t>(buffer_).subspan(begin_ + kHeaderSize, length);
  begin_ += kHeaderSize + length;
  return {Status::kFrame, frame};
}

size_t Rfc4571Framer::write_frame(std::span<const uint8_t> payload,
                                  std::span<uint8_t> out) noexcept {
  if (payload.size() > 0xffff || out.size() < kHeaderSize + payload.size()) return 0;
  out[0] = static_cast<uint8_t>(payload.size() >> 8);
  out[1] = static_cast<uint8_t>(payload.size());
  if (!payload.empty()) std::memcpy(out.data() + kHeaderSize, payload.data(), payload.size());
  return kHeaderSize + payload.size();
}

}  // namespace tandem::media
