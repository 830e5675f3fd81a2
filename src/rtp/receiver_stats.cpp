#include "rtp/receiver_stats.hpp"

#include <algorithm>

namespace tandem::rtp {

ReceiverStats::ReceiverStats(uint32_t ssrc, uint32_t clock_rate, uint32_t min_sequential) noexcept
    : ssrc_(ssrc),
      clock_rate_(clock_rate),
      min_sequential_(std::max<uint32_t>(min_sequential, 1)) {}

// A.1 init_seq().
void ReceiverStats::init_seq(uint16_t seq) noexcept {
  base_seq_ = seq;
  max_seq_ = seq;
  bad_seq_ = kSeqMod + 1;  // so seq == bad_seq is false
  cycles_ = 0;
  received_ = 0;
  received_prior_ = 0;
  expected_prior_ = 0;
}

// A.1 update_seq().
bool ReceiverStats::update_seq(uint16_t seq) noexcept {
  const uint16_t udelta = static_cast<uint16_t>(seq - max_seq_);
  if (probation_ > 0) {
    // Source is not valid until min_sequential packets with sequential numbers were received.
    if (seq == static_cast<uint16_t>(max_seq_ + 1)) {
      --probation_;
      max_seq_ = seq;
      if (probation_ == 0) {
        init_seq(seq);
        ++received_;
        return true;
      }
    } else {
      probation_ = min_sequential_ - 1;
      max_seq_ = seq;
    }
    return false;
  }
  if (udelta < kMaxDropout) {
    // In order, with permissible gap.
    if (seq < max_seq_) cycles_ += kSeqMod;  // sequence number wrapped
    max_seq_ = seq;
  } else if (udelta <= kSeqMod - kMaxMisorder) {
    // The sequence number made a very large jump.
    if (seq == bad_seq_) {
      // Two sequential packets: assume the other side restarted without telling us.
      init_seq(seq);
    } else {
      bad_seq_ = (uint32_t{seq} + 1) & (kSeqMod - 1);
      return false;
    }
  } else {
    // Duplicate or reordered packet: counted, as the RFC does.
  }
  ++received_;
  return true;
}

bool ReceiverStats::on_packet(uint16_t sequence, uint32_t rtp_timestamp,
                              TimePoint arrival) noexcept {
  if (!started_) {
    started_ = true;
    init_seq(sequence);
    max_seq_ = static_cast<uint16_t>(sequence - 1);
    probation_ = min_sequential_;
  }
  if (!update_seq(sequence)) return false;
  update_jitter(rtp_timestamp, arrival);
  return true;
}

// A.8: J(i) = J(i-1) + (|D(i-1,i)| - J(i-1))/16, in the integer form that keeps J scaled by 16.
void ReceiverStats::update_jitter(uint32_t rtp_timestamp, TimePoint arrival) noexcept {
  if (!have_transit_) arrival_base_ = arrival;
  // Arrival time in timestamp units, modulo 2^32 like the RTP timestamp itself.
  const uint32_t arrival_ts = static_cast<uint32_t>(to_rtp_ticks(
      std::chrono::duration_cast<std::chrono::nanoseconds>(arrival - arrival_base_), clock_rate_));
  const int32_t transit = static_cast<int32_t>(arrival_ts - rtp_timestamp);
  if (!have_transit_) {
    have_transit_ = true;
    transit_ = transit;
    return;
  }
  int64_t d = int64_t{transit} - transit_;
  // Transit differences wrap like the timestamps; take the shorter way round.
  d = static_cast<int32_t>(static_cast<uint32_t>(d));
  transit_ = transit;
  if (d < 0) d = -d;
  const int64_t j = int64_t{jitter_q4_} + d - ((int64_t{jitter_q4_} + 8) >> 4);
  jitter_q4_ = static_cast<uint32_t>(std::clamp<int64_t>(j, 0, 0xFFFFFFFF));
}

void ReceiverStats::on_sender_report(NtpTime ntp, TimePoint arrival) noexcept {
  have_sr_ = true;
  last_sr_ = ntp.short_format();
  last_sr_arrival_ = arrival;
}

int64_t ReceiverStats::expected() const noexcept {
  if (!probation_passed()) return 0;
  return int64_t{extended_highest_sequence()} - base_seq_ + 1;
}

int32_t ReceiverStats::cumulative_lost() const noexcept {
  const int64_t lost = expected() - received_;
  return static_cast<int32_t>(std::clamp<int64_t>(lost, -0x800000, 0x7FFFFF));
}

ReportBlock ReceiverStats::make_report_block(TimePoint now) noexcept {
  ReportBlock block;
  block.ssrc = ssrc_;
  block.extended_highest_sequence = extended_highest_sequence();
  block.cumulative_lost = cumulative_lost();
  // A.3 fraction lost over the interval since the previous report.
  const uint32_t expected_now = static_cast<uint32_t>(expected());
  const uint32_t expected_interval = expected_now - expected_prior_;
  expected_prior_ = expected_now;
  const uint32_t received_interval = received_ - received_prior_;
  received_prior_ = received_;
  const int64_t lost_interval = int64_t{expected_interval} - received_interval;
  if (expected_interval != 0 && lost_interval > 0) {
    block.fraction_lost =
        static_cast<uint8_t>(std::min<int64_t>((lost_interval << 8) / expected_interval, 255));
  }
  block.jitter = jitter();
  if (have_sr_) {
    block.last_sr = last_sr_;
    block.delay_since_last_sr =
        to_ntp_short(std::chrono::duration_cast<std::chrono::nanoseconds>(now - last_sr_arrival_));
  }
  return block;
}

}  // namespace tandem::rtp
