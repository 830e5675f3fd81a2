// What one outgoing stream has sent, for the sender information of its SRs (RFC 3550 §6.4.1), and
// what the far end reports about it (loss, jitter, round-trip time from LSR/DLSR, A.8).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "common/clock.hpp"
#include "rtp/ntp_time.hpp"
#include "rtp/rtcp_report.hpp"

namespace tandem::rtp {

class SenderStats {
 public:
  SenderStats(uint32_t ssrc, uint32_t clock_rate) noexcept : ssrc_(ssrc), clock_rate_(clock_rate) {}

  // Counts one sent packet: payload octets only (no header, no padding), per the RFC.
  void on_packet_sent(uint32_t rtp_timestamp, size_t payload_size, TimePoint now) noexcept;

  // Sender info for an SR at `now`: the NTP time from `clock`, and the RTP timestamp of the same
  // instant extrapolated from the last packet sent at this stream's clock rate.
  SenderInfo make_sender_info(TimePoint now, const NtpClock& clock) const noexcept;

  // Takes in a report block the far end sent about this stream, arriving at `arrival_ntp`.
  // Updates loss, jitter and (when the block carries an LSR) the round-trip time.
  void on_report_block(const ReportBlock& block, NtpTime arrival_ntp) noexcept;

  uint32_t ssrc() const noexcept { return ssrc_; }
  uint32_t packet_count() const noexcept { return packets_; }
  uint32_t octet_count() const noexcept { return octets_; }
  bool has_sent() const noexcept { return has_sent_; }
  std::optional<std::chrono::nanoseconds> rtt() const noexcept { return rtt_; }
  uint8_t remote_fraction_lost() const noexcept { return fraction_lost_; }
  int32_t remote_cumulative_lost() const noexcept { return cumulative_lost_; }
  uint32_t remote_jitter() const noexcept { return jitter_; }

 private:
  uint32_t ssrc_;
  uint32_t clock_rate_;
  bool has_sent_ = false;
  uint32_t packets_ = 0;  // wraps modulo 2^32, as the SR field does
  uint32_t octets_ = 0;
  uint32_t last_rtp_timestamp_ = 0;
  TimePoint last_sent_{};
  std::optional<std::chrono::nanoseconds> rtt_;
  uint8_t fraction_lost_ = 0;
  int32_t cumulative_lost_ = 0;
  uint32_t jitter_ = 0;
};

}  // namespace tandem::rtp
