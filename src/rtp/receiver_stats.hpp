// RFC 3550 receiver statistics for one incoming stream: sequence tracking with probation
// (Appendix A.1), loss (A.3), interarrival jitter (A.8) and the LSR/DLSR bookkeeping of received
// sender reports (§6.4.1). Time comes from the caller's `now`; no clock is read here.
#pragma once

#include <cstdint>

#include "common/clock.hpp"
#include "rtp/ntp_time.hpp"
#include "rtp/rtcp_report.hpp"

namespace tandem::rtp {

class ReceiverStats {
 public:
  static constexpr uint32_t kSeqMod = 1u << 16;
  static constexpr uint32_t kMaxDropout = 3000;
  static constexpr uint32_t kMaxMisorder = 100;
  static constexpr uint32_t kMinSequential = 2;

  // clock_rate: the payload's RTP clock in Hz (48000 Opus, 8000 PCMU...). min_sequential: packets
  // in sequence needed before a new source is accepted (A.1 MIN_SEQUENTIAL; 1 disables probation).
  ReceiverStats(uint32_t ssrc, uint32_t clock_rate,
                uint32_t min_sequential = kMinSequential) noexcept;

  // A.1 update_seq() plus jitter. Returns false when the packet is not valid for statistics
  // (source on probation, or a large jump awaiting confirmation); such packets are not counted.
  bool on_packet(uint16_t sequence, uint32_t rtp_timestamp, TimePoint arrival) noexcept;
  // Records a received SR from this source: its NTP time (for LSR) and when it arrived (DLSR).
  void on_sender_report(NtpTime ntp, TimePoint arrival) noexcept;

  // The reception report block for this source at `now` (A.3); advances the "prior" counters
  // used for the fraction lost, so call it once per report actually sent.
  ReportBlock make_report_block(TimePoint now) noexcept;

  uint32_t ssrc() const noexcept { return ssrc_; }
  uint32_t clock_rate() const noexcept { return clock_rate_; }
  bool probation_passed() const noexcept { return probation_ == 0 && started_; }
  uint32_t extended_highest_sequence() const noexcept { return cycles_ + max_seq_; }
  uint32_t received() const noexcept { return received_; }
  // Packets expected from the base sequence to the extended highest (A.3).
  int64_t expected() const noexcept;
  // Cumulative lost, clamped to the 24-bit signed field; negative with duplicates (A.3).
  int32_t cumulative_lost() const noexcept;
  // Interarrival jitter in timestamp units (the reported value, A.8's jitter >> 4).
  uint32_t jitter() const noexcept { return jitter_q4_ >> 4; }

 private:
  void init_seq(uint16_t seq) noexcept;
  bool update_seq(uint16_t seq) noexcept;
  void update_jitter(uint32_t rtp_timestamp, TimePoint arrival) noexcept;

  uint32_t ssrc_;
  uint32_t clock_rate_;
  uint32_t min_sequential_;
  bool started_ = false;
  // A.1 source state.
  uint16_t max_seq_ = 0;
  uint32_t cycles_ = 0;  // shifted count of sequence number cycles
  uint32_t base_seq_ = 0;
  uint32_t bad_seq_ = kSeqMod + 1;
  uint32_t probation_ = 0;
  uint32_t received_ = 0;
  uint32_t expected_prior_ = 0;
  uint32_t received_prior_ = 0;
  // A.8 jitter state.
  bool have_transit_ = false;
  TimePoint arrival_base_{};
  int32_t transit_ = 0;
  uint32_t jitter_q4_ = 0;  // jitter scaled by 16 (the integer form of A.8)
  // Last SR.
  bool have_sr_ = false;
  uint32_t last_sr_ = 0;
  TimePoint last_sr_arrival_{};
};

}  // namespace tandem::rtp
