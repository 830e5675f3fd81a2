#include "service_media/service_media_endpoint.hpp"

#include <openssl/rand.h>

#include <boost/asio/buffer.hpp>
#include <chrono>
#include <string>

#include "common/byte_io.hpp"
#include "rtp/classify.hpp"
#include "rtp/rtp_packet_view.hpp"

namespace tandem::pbx {

namespace {

using boost::asio::ip::udp;
constexpr Duration kFrame{20};
constexpr Duration kDtmfPoll{50};
// Behind by more than this (a stalled loop): restart the cadence instead of bursting.
constexpr Duration kMaxLag{200};

template <typename T>
T random_value() {
  T v{};
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v) != 1) v = T{0x5eed};
  return v;
}

uint32_t nonzero_ssrc() {
  uint32_t v = 0;
  while (v == 0) v = random_value<uint32_t>();
  return v;
}

std::optional<udp::endpoint> sdp_endpoint(const ServiceMediaPlan& plan) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(plan.remote_address, ec);
  // RFC 3264 §8.4: 0.0.0.0 means "do not send" (old-style hold).
  if (ec || address.is_unspecified() || plan.remote_port == 0) return std::nullopt;
  return udp::endpoint(address, plan.remote_port);
}

}  // namespace

Result<std::shared_ptr<ServiceMediaEndpoint>> ServiceMediaEndpoint::create(
    boost::asio::io_context& io, const ServiceEndpointConfig& config, DigitCallback on_digit) {
  if (config.port_min > config.port_max) {
    return Error{"service media: port range " + std::to_string(config.port_min) + "-" +
                 std::to_string(config.port_max) + " is empty"};
  }
  std::optional<ToneSource> tone;
  if (config.behaviour == ServiceBehaviour::kTone) {
    auto source = ToneSource::create(config.plan.codec, config.tone_hz, config.tone_amplitude);
    if (!source) return source.error();
    tone.emplace(std::move(source).value());
  }
  std::shared_ptr<ServiceMediaEndpoint> endpoint(
      new ServiceMediaEndpoint(io, config, std::move(on_digit), std::move(tone)));
  if (auto bound = endpoint->bind(config); !bound) return bound.error();
  return endpoint;
}

ServiceMediaEndpoint::ServiceMediaEndpoint(boost::asio::io_context& io,
                                           const ServiceEndpointConfig& config,
                                           DigitCallback on_digit, std::optional<ToneSource> tone)
    : config_(config),
      socket_(io),
      timer_(io),
      sdp_remote_(sdp_endpoint(config.plan)),
      ssrc_(nonzero_ssrc()),
      sequence_(random_value<uint16_t>()),
      timestamp_(random_value<uint32_t>()),
      rewriter_(ssrc_, sequence_, timestamp_, config.plan.clock_rate),
      dtmf_(config.plan.telephone_event_rate, std::move(on_digit)),
      tone_(std::move(tone)) {}

ServiceMediaEndpoint::~ServiceMediaEndpoint() {
  boost::system::error_code ec;
  socket_.close(ec);
}

Status ServiceMediaEndpoint::bind(const ServiceEndpointConfig& config) {
  boost::system::error_code ec;
  const udp protocol = config.local_address.is_v4() ? udp::v4() : udp::v6();
  auto try_port = [&](uint16_t port) {
    socket_.open(protocol, ec);
    if (ec) return false;
    socket_.bind(udp::endpoint(config.local_address, port), ec);
    if (!ec) return true;
    socket_.close(ec);
    return false;
  };
  bool bound = false;
  if (config.port_min == 0 && config.port_max == 0) {
    bound = try_port(0);
  } else {
    // Even ports only, starting at a random one so concurrent calls spread over the range.
    const uint32_t first = (config.port_min + 1u) & ~1u;
    const uint32_t count = first > config.port_max ? 0 : (config.port_max - first) / 2 + 1;
    const uint32_t start = count == 0 ? 0 : random_value<uint32_t>() % count;
    for (uint32_t i = 0; i < count && !bound; ++i) {
      bound = try_port(static_cast<uint16_t>(first + 2 * ((start + i) % count)));
    }
  }
  if (!bound) {
    return Error{"service media: no free UDP port on " + config.local_address.to_string() + " in " +
                 std::to_string(config.port_min) + "-" + std::to_string(config.port_max)};
  }
  socket_.non_blocking(true, ec);
  local_port_ = socket_.local_endpoint(ec).port();
  return Ok{};
}

std::optional<udp::endpoint> ServiceMediaEndpoint::latched_remote() const noexcept {
  if (!latched_) return std::nullopt;
  return remote_;
}

void ServiceMediaEndpoint::start() {
  if (started_ || stopped_) return;
  started_ = true;
  receive();
  const TimePoint now = SteadyClock::now();
  next_tick_ = now;
  last_event_ = now;
  if (config_.behaviour != ServiceBehaviour::kEcho) schedule_tick();
}

void ServiceMediaEndpoint::stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ec;
  timer_.cancel();
  socket_.close(ec);
  dtmf_.flush();
}

bool ServiceMediaEndpoint::on_sip_info_digit(char digit, uint32_t duration_ms) {
  return dtmf_.on_sip_info_digit(digit, duration_ms);
}

void ServiceMediaEndpoint::receive() {
  socket_.async_receive_from(
      boost::asio::buffer(rx_), from_,
      [self = shared_from_this()](const boost::system::error_code& ec, size_t length) {
        if (self->stopped_ || ec == boost::asio::error::operation_aborted) return;
        // Other errors (an ICMP port unreachable reported on the socket) do not end the call.
        if (!ec) self->on_datagram(length, SteadyClock::now());
        self->receive();
      });
}

void ServiceMediaEndpoint::on_datagram(size_t length, TimePoint now) noexcept {
  const std::span<uint8_t> data(rx_.data(), length);
  if (!rtp::is_rtp(data)) {
    ++stats_.malformed;
    return;
  }
  auto view = rtp::RtpPacketView::parse(data);
  if (!view) {
    ++stats_.malformed;
    return;
  }
  if (!latched_) {
    latched_ = true;
    remote_ = from_;
  } else if (from_ != remote_) {
    ++stats_.foreign_source;
    return;
  }
  const uint8_t pt = view->payload_type();
  const bool audio = pt == config_.plan.payload_type;
  const bool event =
      config_.plan.telephone_event_pt.has_value() && pt == *config_.plan.telephone_event_pt;
  if (!audio && !event) {
    ++stats_.unknown_payload;
    return;
  }
  ++stats_.received;
  switch (config_.behaviour) {
    case ServiceBehaviour::kEcho:
      rewriter_.rewrite(*view, now);
      send(view->packet(), remote_);
      break;
    case ServiceBehaviour::kDtmf:
      if (event) {
        last_event_ = now;
        dtmf_.on_event_packet(view->timestamp(), view->payload());
      }
      break;
    case ServiceBehaviour::kTone:
      break;  // the latch is all we need from the caller's packets
  }
}

void ServiceMediaEndpoint::schedule_tick() {
  next_tick_ += config_.behaviour == ServiceBehaviour::kTone ? kFrame : kDtmfPoll;
  timer_.expires_at(next_tick_);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->stopped_) return;
    self->on_tick(SteadyClock::now());
    self->schedule_tick();
  });
}

void ServiceMediaEndpoint::on_tick(TimePoint now) noexcept {
  if (now - next_tick_ > kMaxLag) next_tick_ = now;
  if (config_.behaviour == ServiceBehaviour::kTone) {
    send_tone_frame();
  } else if (dtmf_.event_pending() && now - last_event_ >= config_.dtmf_flush_after) {
    dtmf_.flush();
  }
}

void ServiceMediaEndpoint::send_tone_frame() noexcept {
  const auto to = latched_ ? std::optional(remote_) : sdp_remote_;
  // RFC 3550 §5.1: V=2, no padding/extension/CSRC; marker on the first packet of the talkspurt.
  tx_[0] = 0x80;
  tx_[1] = static_cast<uint8_t>((first_tone_packet_ ? 0x80 : 0) | config_.plan.payload_type);
  store_be16(&tx_[2], sequence_);
  store_be32(&tx_[4], timestamp_);
  store_be32(&tx_[8], ssrc_);
  const size_t payload = tone_->next_frame(std::span(tx_).subspan(rtp::kRtpFixedHeaderSize));
  // The media clock runs whether or not anyone listens yet, as a real source's would.
  timestamp_ += tone_->timestamp_step();
  if (!to || payload == 0) return;
  send(std::span(tx_).first(rtp::kRtpFixedHeaderSize + payload), *to);
  first_tone_packet_ = false;
  ++sequence_;
}

void ServiceMediaEndpoint::send(std::span<const uint8_t> packet, const udp::endpoint& to) noexcept {
  boost::system::error_code ec;
  socket_.send_to(boost::asio::buffer(packet.data(), packet.size()), to, 0, ec);
  if (ec) {
    ++stats_.send_errors;
  } else {
    ++stats_.sent;
  }
}

}  // namespace tandem::pbx
