// RTCP termination for one WebRTC transport (DESIGN.md §3: RTCP is terminated per leg). Tracks
// what each bundled stream received (ReceiverStats) and what its echo sent (SenderStats), maps
// the browser's SSRC of a stream to the SSRC we echo it with, reads the browser's SR/RR (RTT,
// loss and jitter of our echo; LSR for our report blocks), turns PLI/FIR about our SSRCs into a
// PLI toward the browser's sender, and builds our own SR/RR + SDES compound about once a second.
// Fixed capacity, no allocation after construction, nothing on the packet path throws.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "media/session_params.hpp"
#include "rtp/ntp_time.hpp"
#include "rtp/receiver_stats.hpp"
#include "rtp/sender_stats.hpp"

namespace tandem::media {

class RtcpTerminator {
 public:
  static constexpr size_t kMaxStreams = 8;

  // `clock` must outlive the terminator. Streams beyond kMaxStreams are ignored.
  RtcpTerminator(const SessionParams& params, const rtp::NtpClock& clock);

  // Accounts one received RTP packet and returns the SSRC its echo is sent with, or nothing when
  // the packet belongs to no accepted stream (unknown payload type, or every stream is bound to
  // another SSRC).
  std::optional<uint32_t> on_rtp_received(uint32_t ssrc, uint8_t payload_type, uint16_t sequence,
                                          uint32_t timestamp, TimePoint now) noexcept;
  void on_rtp_sent(uint32_t local_ssrc, uint32_t timestamp, size_t payload_size,
                   TimePoint now) noexcept;
  // Reads an unprotected compound. The browser SSRCs that should be asked for a key frame (its
  // receiver sent us PLI/FIR about the echo) go to `key_frame_requests`; returns how many.
  size_t on_rtcp_received(std::span<const uint8_t> compound, TimePoint now,
                          std::span<uint32_t> key_frame_requests) noexcept;
  // Our periodic compound: an SR for each stream whose echo has sent (with the report block
  // about the browser's stream), one RR with the blocks of the others, then SDES CNAME.
  // Returns its size, 0 when there is nothing to report yet or it does not fit.
  size_t build_report(std::span<uint8_t> out, TimePoint now) noexcept;
  // A reduced-size (RFC 5506) PLI asking the browser's sender `media_ssrc` for a key frame.
  size_t build_pli(std::span<uint8_t> out, uint32_t media_ssrc) const noexcept;

  void fill_stats(std::vector<StreamStats>& out) const;
  size_t stream_count() const noexcept { return count_; }

 private:
  struct Stream {
    std::string mid;
    MediaKind kind = MediaKind::kAudio;
    uint32_t clock_rate = 0;
    std::array<uint8_t, 16> payload_types{};
    size_t payload_type_count = 0;
    uint32_t signaled_ssrc = 0;            // the browser's first a=ssrc, 0 when not signaled
    std::optional<rtp::ReceiverStats> rx;  // bound to the browser's SSRC on its first packet
    rtp::SenderStats tx{0, 0};
    uint64_t packets_received = 0;
    uint64_t packets_sent = 0;
    bool echo = true;
    bool has_payload_type(uint8_t pt) const noexcept;
  };
  Stream* stream_for(uint32_t ssrc, uint8_t payload_type) noexcept;
  Stream* stream_by_local(uint32_t local_ssrc) noexcept;
  void on_report_block(const rtp::ReportBlock& block, TimePoint now) noexcept;

  const rtp::NtpClock& clock_;
  std::string cname_;
  std::array<Stream, kMaxStreams> streams_{};
  size_t count_ = 0;
};

}  // namespace tandem::media
