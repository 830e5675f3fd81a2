// ServiceMediaEndpoint: the plain-RTP side of one service call (600 echo, 601 tone, 602 DTMF
// readback) on one UDP port from a configured range, driven by the io_context it was created on.
//
// - Symmetric RTP: we latch to the source address of the first RTP packet received and send
//   there from then on; packets from any other address are dropped (counted). Before the latch
//   the tone goes to the address the caller's SDP named.
// - Echo re-stamps what it returns with our own SSRC and with sequence numbers and timestamps
//   offset from the caller's (rtp::SeqTsRewriter): payload, payload type, marker and the packet
//   spacing (gaps, reordering) stay exactly as received, but the caller never receives its own
//   SSRC back, which RFC 3550 §8.2 stacks treat as an SSRC collision or a loop.
// - Tone sends one 20 ms frame of a continuous 1000 Hz sine every 20 ms (timer deadlines advance
//   by exactly 20 ms, so the stream does not drift), marker bit on the first packet.
// - DTMF reports RFC 4733 digits (de-duplicated per event) and SIP INFO digits through one
//   callback; it answers no media (it receives only).
// RTCP is neither sent nor expected (no RTCP port is bound; rtcp-mux RTCP is dropped).
//
// The packet path allocates nothing and takes no locks: fixed receive/send buffers, synchronous
// non-blocking sends. All member functions must run on the io_context's thread.
//
// SIP side, per call:
//   INVITE:  plan = plan_service_media(offer) (488 on error) → ep = create(io, config) →
//            answer = build_service_answer(offer, plan, addr, ep->local_port()) → ep->start()
//   INFO:    if (auto d = parse_info_dtmf(content_type, body))        (602 only; info_dtmf.hpp)
//              ep->on_sip_info_digit(d->digit, d->duration_ms);   → 200; else 415/400
//   digits:  the DigitCallback fires → log + SIP MESSAGE to the caller
//   BYE:     ep->stop()
// The DigitCallback runs on the packet path (noexcept): it must not throw; post work elsewhere.
//
// Where it belongs later: the socket, latching and re-stamping are what src/media/'s plain-RTP
// leg (RtpTransport, DESIGN.md §4) needs; when that exists this class should become a thin service
// on top of it, and plan_service_media's codec choice part of the gateway's SDP translation.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <optional>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "rtp/seq_ts_rewriter.hpp"
#include "service_media/dtmf_receiver.hpp"
#include "service_media/service_sdp.hpp"
#include "service_media/tone_source.hpp"

namespace tandem::pbx {

enum class ServiceBehaviour : uint8_t { kEcho, kTone, kDtmf };

struct ServiceEndpointConfig {
  ServiceBehaviour behaviour = ServiceBehaviour::kEcho;
  ServiceMediaPlan plan;
  boost::asio::ip::address local_address = boost::asio::ip::address_v4::loopback();
  // An even port in [port_min, port_max] (RTP convention, RFC 3550 §11); 0/0 asks the OS.
  uint16_t port_min = 0;
  uint16_t port_max = 0;
  uint32_t tone_hz = 1000;
  double tone_amplitude = 0.5;  // -9 dBFS
  // A DTMF event whose end packets were all lost is reported after this much silence.
  Duration dtmf_flush_after{300};
};

struct ServiceEndpointStats {
  uint64_t received = 0;  // RTP packets accepted from the latched source
  uint64_t sent = 0;
  uint64_t foreign_source = 0;   // dropped: not from the latched address
  uint64_t malformed = 0;        // dropped: not RTP (RTCP included) or a bad header
  uint64_t unknown_payload = 0;  // dropped: a payload type not negotiated
  uint64_t send_errors = 0;
};

class ServiceMediaEndpoint : public std::enable_shared_from_this<ServiceMediaEndpoint> {
 public:
  // Binds the port. Errors: no free port in the range, bad tone parameters, libopus failure.
  static Result<std::shared_ptr<ServiceMediaEndpoint>> create(boost::asio::io_context& io,
                                                              const ServiceEndpointConfig& config,
                                                              DigitCallback on_digit = {});
  ~ServiceMediaEndpoint();
  ServiceMediaEndpoint(const ServiceMediaEndpoint&) = delete;
  ServiceMediaEndpoint& operator=(const ServiceMediaEndpoint&) = delete;

  // Starts receiving and, for the tone, sending. Idempotent.
  void start();
  // Stops everything and closes the socket; reports a DTMF event still in progress. Idempotent.
  void stop();

  // A digit the caller sent by SIP INFO (602); false when it is no DTMF character.
  bool on_sip_info_digit(char digit, uint32_t duration_ms = 0);

  uint16_t local_port() const noexcept { return local_port_; }
  uint32_t local_ssrc() const noexcept { return ssrc_; }
  std::optional<boost::asio::ip::udp::endpoint> latched_remote() const noexcept;
  const ServiceEndpointStats& stats() const noexcept { return stats_; }

 private:
  ServiceMediaEndpoint(boost::asio::io_context& io, const ServiceEndpointConfig& config,
                       DigitCallback on_digit, std::optional<ToneSource> tone);

  Status bind(const ServiceEndpointConfig& config);
  void receive();
  void on_datagram(size_t length, TimePoint now) noexcept;
  void schedule_tick();
  void on_tick(TimePoint now) noexcept;
  void send_tone_frame() noexcept;
  void send(std::span<const uint8_t> packet, const boost::asio::ip::udp::endpoint& to) noexcept;

  ServiceEndpointConfig config_;
  boost::asio::ip::udp::socket socket_;
  boost::asio::steady_timer timer_;
  uint16_t local_port_ = 0;
  bool started_ = false;
  bool stopped_ = false;

  std::optional<boost::asio::ip::udp::endpoint> sdp_remote_;
  bool latched_ = false;
  boost::asio::ip::udp::endpoint remote_;
  boost::asio::ip::udp::endpoint from_;

  uint32_t ssrc_;
  uint16_t sequence_;
  uint32_t timestamp_;
  bool first_tone_packet_ = true;
  TimePoint next_tick_{};
  TimePoint last_event_{};

  rtp::SeqTsRewriter rewriter_;
  DtmfReceiver dtmf_;
  std::optional<ToneSource> tone_;
  ServiceEndpointStats stats_;

  std::array<uint8_t, 1500> rx_{};
  std::array<uint8_t, 1500> tx_{};
};

}  // namespace tandem::pbx
