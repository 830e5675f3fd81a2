// RFC 4571 framing, as ICE-TCP uses it (RFC 6544 §3.1): every STUN, DTLS, RTP or RTCP packet on
// the stream is preceded by its length as a 16-bit big-endian number. The framer owns one buffer
// allocated at construction; the socket reads into free_space(), and complete frames are then
// taken out in place with next(). A length above the configured maximum is an error: the
// connection is closed rather than resynchronised (there is nothing to resynchronise on).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tandem::media {

class Rfc4571Framer {
 public:
  static constexpr size_t kHeaderSize = 2;

  enum class Status : uint8_t { kFrame, kNeedMore, kOversize };
  struct Next {
    Status status = Status::kNeedMore;
    std::span<uint8_t> frame;  // kFrame only; valid until the next free_space() call
  };

  // Holds up to `frames_per_read` maximal frames per read (at least one).
  explicit Rfc4571Framer(size_t max_frame, size_t frames_per_read = 4);

  // Where the next read may write (at least one maximal frame with its header after the
  // unconsumed bytes are moved to the front, which this does).
  std::span<uint8_t> free_space() noexcept;
  // `n` bytes were written at the start of free_space().
  void commit(size_t n) noexcept;
  // The next complete frame, or kNeedMore, or kOversize (sticky: the stream is unusable).
  Next next() noexcept;

  size_t max_frame() const noexcept { return max_frame_; }
  // Bytes received and not yet returned as frames.
  size_t buffered() const noexcept { return end_ - begin_; }

  // Writes header and payload to out; 0 when the payload exceeds 65535 bytes or out is short.
  static size_t write_frame(std::span<const uint8_t> payload, std::span<uint8_t> out) noexcept;

 private:
  size_t max_frame_;
  std::vector<uint8_t> buffer_;
  size_t begin_ = 0;  // first unconsumed byte
  size_t end_ = 0;    // one past the last received byte
  bool oversize_ = false;
};

}  // namespace tandem::media
