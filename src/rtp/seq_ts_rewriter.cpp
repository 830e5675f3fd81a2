#include "rtp/seq_ts_rewriter.hpp"

#include <chrono>

#include "rtp/ntp_time.hpp"

namespace tandem::rtp {

SeqTsRewriter::SeqTsRewriter(uint32_t out_ssrc, uint16_t initial_sequence,
                             uint32_t initial_timestamp, uint32_t clock_rate) noexcept
    : out_ssrc_(out_ssrc),
      clock_rate_(clock_rate),
      max_seq_(static_cast<uint16_t>(initial_sequence - 1)),
      max_ts_(initial_timestamp) {}

void SeqTsRewriter::start_source(uint32_t in_ssrc, uint16_t in_sequence, uint32_t in_timestamp,
                                 TimePoint now) noexcept {
  uint32_t out_ts = max_ts_;  // the very first packet takes initial_timestamp
  if (have_sent_) {
    ++switches_;
    int64_t ticks = to_rtp_ticks(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - max_time_), clock_rate_);
    if (ticks < 1) ticks = 1;
    out_ts = max_ts_ + static_cast<uint32_t>(ticks);
  }
  have_source_ = true;
  in_ssrc_ = in_ssrc;
  seq_offset_ = static_cast<uint16_t>(max_seq_ + 1 - in_sequence);
  ts_offset_ = out_ts - in_timestamp;
}

SeqTsRewriter::Output SeqTsRewriter::rewrite(uint32_t in_ssrc, uint16_t in_sequence,
                                             uint32_t in_timestamp, TimePoint now) noexcept {
  if (!have_source_ || in_ssrc != in_ssrc_) start_source(in_ssrc, in_sequence, in_timestamp, now);
  Output out{out_ssrc_, static_cast<uint16_t>(in_sequence + seq_offset_),
             in_timestamp + ts_offset_};
  // Newer in modulo-2^16 order (or the first packet ever): remember it as the highest.
  if (!have_sent_ || static_cast<int16_t>(out.sequence - max_seq_) > 0) {
    max_seq_ = out.sequence;
    max_ts_ = out.timestamp;
    max_time_ = now;
  }
  have_sent_ = true;
  return out;
}

void SeqTsRewriter::rewrite(RtpPacketView& packet, TimePoint now) noexcept {
  const Output out = rewrite(packet.ssrc(), packet.sequence(), packet.timestamp(), now);
  packet.set_ssrc(out.ssrc);
  packet.set_sequence(out.sequence);
  packet.set_timestamp(out.timestamp);
}

}  // namespace tandem::rtp
