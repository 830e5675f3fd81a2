// The PBX side of one call bridge: plain RTP/AVP on an even/odd UDP port pair, symmetric RTP
// (RFC 4961) with latching, and RTCP terminated here (DESIGN.md §3): what the PBX sends on the
// RTCP port is parsed and counted, never forwarded, and every kReportInterval we send our own
// SR/RR about what this leg sent and received. Worker-thread only; the packet path is noexcept
// and allocation-free.
#pragma once

#include <array>
#include <boost/asio/ip/udp.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "media/rtp_port_pool.hpp"
#include "rtp/ntp_time.hpp"
#include "rtp/receiver_stats.hpp"
#include "rtp/sender_stats.hpp"

namespace tandem::media {

struct PbxLegCounters {
  uint64_t rtp_received = 0;
  uint64_t rtp_sent = 0;
  uint64_t rtcp_received = 0;  // compounds that parsed
  uint64_t rtcp_sent = 0;
  uint64_t dropped = 0;  // not RTP, unexpected payload type, or RTCP that does not parse
  uint64_t send_errors = 0;
  uint64_t latches = 0;  // times the RTP destination moved to where the PBX sends from
};

class PbxLeg {
 public:
  using Endpoint = boost::asio::ip::udp::endpoint;
  static constexpr Duration kReportInterval{5000};

  // `clock` must outlive the leg.
  PbxLeg(RtpSocketPair sockets, uint32_t local_ssrc, const rtp::NtpClock& clock);

  // The SDP's c=/m= target. A new address (or a first one) drops any latch: we send there until
  // RTP arrives from the PBX again. clock_rate: the negotiated codec's, for RTCP.
  Status set_remote(const std::string& address, uint16_t port, uint32_t clock_rate);
  void set_cname(std::string cname) { cname_ = std::move(cname); }

  // A valid RTP packet (parsed, expected payload type) from `from`: latches onto it (symmetric
  // RTP) and accounts it.
  void on_rtp_received(const Endpoint& from, uint32_t ssrc, uint16_t sequence, uint32_t timestamp,
                       TimePoint now) noexcept;
  void on_dropped() noexcept { ++counters_.dropped; }
  // A datagram on the RTCP port: parsed for the PBX's reports, counted, not forwarded.
  void on_rtcp_received(std::span<const uint8_t> datagram, const Endpoint& from,
                        TimePoint now) noexcept;
  // Sends an RTP packet of ours (already carrying our SSRC) to the current destination.
  void send_rtp(std::span<const uint8_t> packet, uint32_t timestamp, size_t payload_size,
                TimePoint now) noexcept;
  // Sends our SR/RR when due.
  void on_tick(TimePoint now) noexcept;
  // Closes both sockets (pending waits complete with operation_aborted).
  void close() noexcept;

  boost::asio::ip::udp::socket& rtp_socket() noexcept { return sockets_.rtp; }
  boost::asio::ip::udp::socket& rtcp_socket() noexcept { return sockets_.rtcp; }
  uint16_t port() const noexcept { return sockets_.port; }
  const std::optional<Endpoint>& destination() const noexcept { return rtp_to_; }
  const PbxLegCounters& counters() const noexcept { return counters_; }
  const rtp::SenderStats& sender_stats() const noexcept { return tx_; }

 private:
  size_t build_report(TimePoint now) noexcept;

  RtpSocketPair sockets_;
  const rtp::NtpClock& clock_;
  std::string cname_ = "tandem";
  uint32_t clock_rate_ = 8000;
  std::optional<Endpoint> sdp_rtp_;  // from the SDP
  std::optional<Endpoint> rtp_to_;   // where RTP goes: the SDP's, then the latched source
  std::optional<Endpoint> rtcp_to_;  // the RTCP port beside it, or where the PBX's RTCP came from
  bool latched_ = false;
  bool rtcp_latched_ = false;
  std::optional<rtp::ReceiverStats> rx_;
  rtp::SenderStats tx_;
  TimePoint next_report_{};
  PbxLegCounters counters_;
  std::array<uint8_t, 512> report_buffer_{};
};

}  // namespace tandem::media
