// One call's media on a media worker (DESIGN.md §3): the browser leg (a WebRtcTransport in bridge
// mode, owned by the worker's session map) bridged to the PBX leg (PbxLeg), through the audio
// path chosen at configure(). Each leg has its own SSRC, sequence and timestamp space
// (SeqTsRewriter) and its own RTCP. Directions (hold) decide where we may send. Worker-thread
// only; the packet path is noexcept, lock-free and allocation-free.
#pragma once

#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "media/audio_path.hpp"
#include "media/dtmf_generator.hpp"
#include "media/pbx_leg.hpp"
#include "media/session_params.hpp"
#include "media/webrtc_transport.hpp"
#include "rtp/seq_ts_rewriter.hpp"

namespace tandem::media {

// The browser side's counts; the PBX leg keeps its own (PbxLegCounters).
struct BridgeCounters {
  uint64_t browser_rtp_in = 0;
  uint64_t browser_rtp_out = 0;
  uint64_t held = 0;  // not sent: the leg's direction forbids it
  uint64_t dtmf_generated = 0;
};

class CallBridge final : public BrowserRtpHandler, private BridgeOutput {
 public:
  struct Ssrcs {
    uint32_t browser = 0;  // what the browser sees from us
    uint32_t pbx = 0;      // what the PBX sees from us
  };

  // `browser` must outlive the bridge; the bridge registers itself as its RTP handler.
  CallBridge(WebRtcTransport& browser, RtpSocketPair pbx_sockets, Ssrcs ssrcs,
             const rtp::NtpClock& clock);
  ~CallBridge();
  CallBridge(const CallBridge&) = delete;
  CallBridge& operator=(const CallBridge&) = delete;

  // Applies a negotiation (the first one, or a re-negotiation). The audio path is rebuilt only
  // when the codec or a payload type changed.
  Status configure(const BridgeParams& params, TimePoint now);
  // Queues an RFC 4733 digit toward the PBX; false when the PBX leg has no telephone-event, the
  // digit is not a DTMF character or the queue is full.
  bool send_dtmf(char digit, Duration duration) noexcept;

  // A datagram on the PBX leg's RTP port, at buffer[0..length) with SRTP tail room behind.
  void on_pbx_rtp(std::span<uint8_t> buffer, size_t length,
                  const boost::asio::ip::udp::endpoint& from, TimePoint now) noexcept;
  void on_pbx_rtcp(std::span<const uint8_t> datagram, const boost::asio::ip::udp::endpoint& from,
                   TimePoint now) noexcept;
  // Generated DTMF and PBX-side RTCP; call every worker tick (<= 20 ms).
  void on_tick(TimePoint now) noexcept;

  // BrowserRtpHandler
  void on_browser_rtp(rtp::RtpPacketView& packet, TimePoint now) noexcept override;

  PbxLeg& pbx() noexcept { return pbx_; }
  const PbxLeg& pbx() const noexcept { return pbx_; }
  BridgeStats stats() const;

 private:
  // BridgeOutput
  void to_pbx(rtp::RtpPacketView& packet, TimePoint now) noexcept override;
  void to_browser(std::span<uint8_t> buffer, rtp::RtpPacketView& packet,
                  TimePoint now) noexcept override;
  void new_pbx_source() noexcept override { to_pbx_.reset_source(); }

  WebRtcTransport& browser_;
  PbxLeg pbx_;
  Ssrcs ssrcs_;
  BridgeParams params_;
  std::unique_ptr<AudioPath> path_;
  rtp::SeqTsRewriter to_pbx_;
  rtp::SeqTsRewriter to_browser_;
  DtmfGenerator dtmf_;
  BridgeCounters counters_;
};

}  // namespace tandem::media
