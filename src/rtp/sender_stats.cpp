#include "rtp/sender_stats.hpp"

namespace tandem::rtp {

void SenderStats::on_packet_sent(uint32_t rtp_timestamp, size_t payload_size,
                                 TimePoint now) noexcept {
  has_sent_ = true;
  ++packets_;
  octets_ += static_cast<uint32_t>(payload_size);
  last_rtp_timestamp_ = rtp_timestamp;
  last_sent_ = now;
}

SenderInfo SenderStats::make_sender_info(TimePoint now, const NtpClock& clock) const noexcept {
  SenderInfo info;
  info.ntp = clock.to_ntp(now);
  info.packet_count = packets_;
  info.octet_count = octets_;
  const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(now - last_sent_);
  info.rtp_timestamp =
      has_sent_ ? last_rtp_timestamp_ + static_cast<uint32_t>(to_rtp_ticks(elapsed, clock_rate_))
                : 0;
  return info;
}

void SenderStats::on_report_block(const ReportBlock& block, NtpTime arrival_ntp) noexcept {
  fraction_lost_ = block.fraction_lost;
  cumulative_lost_ = block.cumulative_lost;
  jitter_ = block.jitter;
  if (auto rtt =
          rtt_from_report(arrival_ntp.short_format(), block.last_sr, block.delay_since_last_sr)) {
    rtt_ = rtt;
  }
}

}  // namespace tandem::rtp
