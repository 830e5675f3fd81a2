// SeqTsRewriter: maps whatever stream arrives on one bridge leg into a single outgoing SSRC,
// sequence and timestamp space, so the far end sees one continuous stream even when the source
// changes (re-INVITE, transfer, a browser restarting its sender). Pure arithmetic, no allocation.
//
// The first packet of a source fixes two offsets. Sequence: the new source's packet follows the
// highest sequence sent so far (last + 1). Timestamp: it lands at the highest timestamp sent so
// far plus the wall time elapsed since that packet, in the leg's clock rate (at least one tick), so
// the receiver's jitter buffer sees the gap as the pause it really was. Within a source, packets
// keep their relative spacing, reordering included.
#pragma once

#include <cstdint>

#include "common/clock.hpp"
#include "rtp/rtp_packet_view.hpp"

namespace tandem::rtp {

class SeqTsRewriter {
 public:
  struct Output {
    uint32_t ssrc = 0;
    uint16_t sequence = 0;
    uint32_t timestamp = 0;
  };

  // out_ssrc/initial_sequence/initial_timestamp: what the first packet sent will carry (random in
  // production, RFC 3550 §5.1). clock_rate: the outgoing clock in Hz.
  SeqTsRewriter(uint32_t out_ssrc, uint16_t initial_sequence, uint32_t initial_timestamp,
                uint32_t clock_rate) noexcept;

  Output rewrite(uint32_t in_ssrc, uint16_t in_sequence, uint32_t in_timestamp,
                 TimePoint now) noexcept;
  // Rewrites the packet's SSRC, sequence and timestamp in place.
  void rewrite(RtpPacketView& packet, TimePoint now) noexcept;

  // Treat the next packet as a new source even if its SSRC is unchanged (e.g. the remote restarted
  // its sequence space on a re-INVITE).
  void reset_source() noexcept { have_source_ = false; }

  uint32_t out_ssrc() const noexcept { return out_ssrc_; }
  uint32_t source_switches() const noexcept { return switches_; }

 private:
  void start_source(uint32_t in_ssrc, uint16_t in_sequence, uint32_t in_timestamp,
                    TimePoint now) noexcept;

  uint32_t out_ssrc_;
  uint32_t clock_rate_;
  bool have_source_ = false;
  bool have_sent_ = false;
  uint32_t in_ssrc_ = 0;
  uint16_t seq_offset_ = 0;
  uint32_t ts_offset_ = 0;
  // Highest outgoing sequence sent, and the timestamp and time of the packet that carried it.
  uint16_t max_seq_;
  uint32_t max_ts_;
  TimePoint max_time_{};
  uint32_t switches_ = 0;
};

}  // namespace tandem::rtp
