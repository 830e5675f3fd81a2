#include "media/audio_path.hpp"

#include <array>
#include <cstring>
#include <optional>
#include <utility>

#include "codec/transcoder.hpp"
#include "common/byte_io.hpp"
#include "srtp/srtp_session.hpp"

namespace tandem::media {

namespace {

// The input SSRC of packets a path makes itself; the rewriter maps it to the leg's SSRC.
constexpr uint32_t kMadeSsrc = 0x7a6e0001;
// Losses concealed one by one; a longer gap (or a DTX pause longer than a second) is a new start.
constexpr uint16_t kMaxConcealedPackets = 10;
constexpr uint32_t kMaxConcealedTicks = codec::kOpusRtpClockRate;
constexpr uint32_t kOpusFrameTicks = 960;  // 20 ms at 48 kHz
constexpr size_t kScratchSize = 1500 + srtp::SrtpSession::kMaxTrailer;

bool is_forward(uint32_t delta, uint32_t limit) noexcept { return delta > 0 && delta <= limit; }

// Rescales the duration of the telephone-event payload in place.
void rescale_event(rtp::RtpPacketView& packet, uint32_t from_rate, uint32_t to_rate) noexcept {
  if (from_rate == to_rate) return;
  auto event = rtp::TelephoneEvent::parse(packet.payload());
  if (!event) return;
  event->duration = rtp::rescale_event_duration(event->duration, from_rate, to_rate);
  event->write(packet.payload());
}

// Builds header + payload in `scratch` and returns its view.
std::optional<rtp::RtpPacketView> make_packet(std::span<uint8_t> scratch, uint8_t payload_type,
                                              bool marker, uint16_t sequence, uint32_t timestamp,
                                              std::span<const uint8_t> payload) noexcept {
  const size_t header =
      write_rtp_header(scratch, payload_type, marker, sequence, timestamp, kMadeSsrc);
  if (header == 0 || header + payload.size() > scratch.size()) return std::nullopt;
  if (!payload.empty()) std::memmove(scratch.data() + header, payload.data(), payload.size());
  auto view = rtp::RtpPacketView::parse(scratch.first(header + payload.size()));
  if (!view) return std::nullopt;
  return *view;
}

// Opus on both legs: only the payload type changes (the bridge rewrites SSRC/seq/ts and SRTP).
class PassthroughPath final : public AudioPath {
 public:
  PassthroughPath(const BridgeParams& params, BridgeOutput& output)
      : params_(params), out_(output) {}

  void browser_audio(rtp::RtpPacketView& packet, TimePoint now) noexcept override {
    if (muted_) return;
    forward(packet.packet(), params_.pbx_pt, now,
            [this](rtp::RtpPacketView& v, TimePoint t) { out_.to_pbx(v, t); });
  }
  void browser_event(rtp::RtpPacketView& packet, TimePoint now) noexcept override {
    if (!params_.pbx_dtmf_pt) return;
    forward(packet.packet(), *params_.pbx_dtmf_pt, now, [this](rtp::RtpPacketView& v, TimePoint t) {
      rescale_event(v, params_.browser_dtmf_clock_rate, params_.pbx_dtmf_clock_rate);
      out_.to_pbx(v, t);
    });
  }
  void pbx_audio(std::span<uint8_t> buffer, rtp::RtpPacketView& packet,
                 TimePoint now) noexcept override {
    to_browser(buffer, packet, params_.browser_pt, now);
  }
  void pbx_event(std::span<uint8_t> buffer, rtp::RtpPacketView& packet,
                 TimePoint now) noexcept override {
    if (!params_.browser_dtmf_pt) return;
    rescale_event(packet, params_.pbx_dtmf_clock_rate, params_.browser_dtmf_clock_rate);
    to_browser(buffer, packet, *params_.browser_dtmf_pt, now);
  }
  void pbx_generated_event(const rtp::TelephoneEvent& event, bool start, bool last,
                           TimePoint now) noexcept override {
    if (!params_.pbx_dtmf_pt) return;
    if (start) {
      out_.new_pbx_source();
      event_timestamp_ += 0x10000;  // any value: the rewriter places the new source in time
    }
    muted_ = !last;
    std::array<uint8_t, rtp::TelephoneEvent::kSize> payload{};
    event.write(payload);
    auto view = make_packet(scratch_, *params_.pbx_dtmf_pt, start, event_sequence_++,
                            event_timestamp_, payload);
    if (view) out_.to_pbx(*view, now);
  }

 private:
  template <typename Send>
  void forward(std::span<uint8_t> packet, uint8_t payload_type, TimePoint now,
               Send&& send) noexcept {
    auto view = rtp::RtpPacketView::parse(strip_header_extension(packet));
    if (!view) return;
    view->set_payload_type(payload_type);
    send(*view, now);
  }
  void to_browser(std::span<uint8_t> buffer, rtp::RtpPacketView& packet, uint8_t payload_type,
                  TimePoint now) noexcept {
    const std::span<uint8_t> stripped = strip_header_extension(packet.packet());
    const size_t offset = static_cast<size_t>(stripped.data() - buffer.data());
    auto view = rtp::RtpPacketView::parse(stripped);
    if (!view) return;
    view->set_payload_type(payload_type);
    out_.to_browser(buffer.subspan(offset), *view, now);
  }

  BridgeParams params_;
  BridgeOutput& out_;
  bool muted_ = false;  // while a generated event plays, the browser's audio is held back
  uint16_t event_sequence_ = 0;
  uint32_t event_timestamp_ = 0;
  std::array<uint8_t, kScratchSize> scratch_{};
};

// Opus on the browser leg, G.711 on the PBX leg. The PBX gets a continuous 20 ms stream: browser
// loss is concealed (FEC from the next packet, else PLC) once per missing sequence number and a
// DTX pause once per 20 ms. G.711 loss becomes an Opus-coded silence frame per lost packet.
class TranscodePath final : public AudioPath {
 public:
  TranscodePath(const BridgeParams& params, BridgeOutput& output, codec::OpusToG711 down,
                codec::G711ToOpus up)
      : params_(params), out_(output), down_(std::move(down)), up_(std::move(up)) {}

  void browser_audio(rtp::RtpPacketView& packet, TimePoint now) noexcept override {
    const uint16_t seq = packet.sequence();
    const uint32_t ts = packet.timestamp();
    const std::span<const uint8_t> payload = packet.payload();
    if (from_browser_.started) {
      const auto gap = static_cast<uint16_t>(seq - from_browser_.next_seq);
      if (gap >= 0x8000) return;  // late or duplicate: its time was already concealed
      const uint32_t jump = ts - from_browser_.next_ts;
      if (gap > kMaxConcealedPackets || from_browser_.resync) {
        // A long outage or the end of a DTMF event: leave the time as a pause, no concealment.
        if (is_forward(jump, 10 * kMaxConcealedTicks)) to_pbx_.timestamp += jump / 6;
      } else if (gap > 0) {
        for (uint16_t i = 1; i <= gap; ++i) {
          (void)down_.conceal(i == gap ? payload : std::span<const uint8_t>{});
          drain_to_pbx(now);
        }
      } else if (is_forward(jump, kMaxConcealedTicks)) {
        for (uint32_t t = kOpusFrameTicks; t <= jump; t += kOpusFrameTicks) {
          (void)down_.conceal();
          drain_to_pbx(now);
        }
      }
    }
    from_browser_.anchor_in = ts;
    from_browser_.anchor_out = to_pbx_.timestamp;
    const auto decoded = down_.decode(payload);
    from_browser_.started = true;
    from_browser_.resync = false;
    from_browser_.next_seq = static_cast<uint16_t>(seq + 1);
    from_browser_.next_ts = ts + (decoded ? static_cast<uint32_t>(*decoded) * 6 : kOpusFrameTicks);
    drain_to_pbx(now);
  }

  void browser_event(rtp::RtpPacketView& packet, TimePoint now) noexcept override {
    note_event(from_browser_, packet.sequence());
    if (!params_.pbx_dtmf_pt) return;
    const uint32_t ts = from_browser_.map(packet.timestamp(), codec::kOpusRtpClockRate,
                                          params_.pbx_dtmf_clock_rate);
    send_event(packet, *params_.pbx_dtmf_pt, ts, to_pbx_, params_.browser_dtmf_clock_rate,
               params_.pbx_dtmf_clock_rate, now,
               [this](rtp::RtpPacketView& v, TimePoint t) { out_.to_pbx(v, t); });
  }

  void pbx_audio(std::span<uint8_t> buffer, rtp::RtpPacketView& packet,
                 TimePoint now) noexcept override {
    (void)buffer;
    const uint16_t seq = packet.sequence();
    const uint32_t ts = packet.timestamp();
    if (from_pbx_.started) {
      const auto gap = static_cast<uint16_t>(seq - from_pbx_.next_seq);
      if (gap >= 0x8000) return;
      const uint32_t jump = ts - from_pbx_.next_ts;
      if (gap > 0 && gap <= kMaxConcealedPackets && !from_pbx_.resync) {
        for (uint16_t i = 0; i < gap; ++i) {
          const auto n = up_.encode_lost(opus_);
          if (n) send_opus(std::span(opus_).first(*n), now);
        }
        pending_ = 0;
      } else if (is_forward(jump, 10 * codec::kG711RtpClockRate)) {
        to_browser_.timestamp += jump * 6;  // a pause (silence suppression, DTMF): keep it
        pending_ = 0;
      }
    }
    from_pbx_.anchor_in = ts;
    from_pbx_.anchor_out = to_browser_.timestamp;
    from_pbx_.started = true;
    from_pbx_.resync = false;
    from_pbx_.next_seq = static_cast<uint16_t>(seq + 1);
    from_pbx_.next_ts = ts + static_cast<uint32_t>(packet.payload().size());
    // Any packet size: 20 ms frames are encoded as they fill up.
    for (std::span<const uint8_t> rest = packet.payload(); !rest.empty();) {
      const size_t take = std::min(rest.size(), frame_.size() - pending_);
      std::memcpy(frame_.data() + pending_, rest.data(), take);
      pending_ += take;
      rest = rest.subspan(take);
      if (pending_ < frame_.size()) break;
      pending_ = 0;
      const auto n = up_.encode(frame_, opus_);
      if (n) send_opus(std::span(opus_).first(*n), now);
    }
  }

  void pbx_event(std::span<uint8_t> buffer, rtp::RtpPacketView& packet,
                 TimePoint now) noexcept override {
    (void)buffer;
    note_event(from_pbx_, packet.sequence());
    if (!params_.browser_dtmf_pt) return;
    const uint32_t ts =
        from_pbx_.map(packet.timestamp(), codec::kG711RtpClockRate, codec::kOpusRtpClockRate);
    send_event(packet, *params_.browser_dtmf_pt, ts, to_browser_, params_.pbx_dtmf_clock_rate,
               params_.browser_dtmf_clock_rate, now,
               [this](rtp::RtpPacketView& v, TimePoint t) { out_.to_browser(scratch_, v, t); });
  }

  void pbx_generated_event(const rtp::TelephoneEvent& event, bool start, bool last,
                           TimePoint now) noexcept override {
    if (!params_.pbx_dtmf_pt) return;
    if (start) generated_timestamp_ = to_pbx_.timestamp;
    muted_ = !last;
    std::array<uint8_t, rtp::TelephoneEvent::kSize> payload{};
    event.write(payload);
    auto view = make_packet(scratch_, *params_.pbx_dtmf_pt, start, to_pbx_.sequence++,
                            generated_timestamp_, payload);
    if (view) out_.to_pbx(*view, now);
  }

 private:
  // What arrives on one leg: the next expected sequence/timestamp and the latest audio packet's
  // timestamp against the outgoing stream's, to place telephone events on the outgoing clock.
  struct Incoming {
    bool started = false;
    bool resync = false;  // after an event: the next audio's timestamp jump is a pause
    uint16_t next_seq = 0;
    uint32_t next_ts = 0;
    uint32_t anchor_in = 0;
    uint32_t anchor_out = 0;
    uint32_t map(uint32_t ts, uint32_t in_rate, uint32_t out_rate) const noexcept {
      return anchor_out + rtp::rescale_timestamp_delta(ts - anchor_in, in_rate, out_rate);
    }
  };
  // The stream we make on one leg.
  struct Outgoing {
    uint16_t sequence = 0;
    uint32_t timestamp = 0;
    bool marker = true;  // on the first packet
  };

  static void note_event(Incoming& in, uint16_t seq) noexcept {
    // Events share the audio's sequence space: not a loss.
    if (!in.started || static_cast<uint16_t>(seq - in.next_seq) < 0x8000) {
      in.next_seq = static_cast<uint16_t>(seq + 1);
    }
    in.resync = true;
  }

  template <typename Send>
  void send_event(const rtp::RtpPacketView& packet, uint8_t payload_type, uint32_t timestamp,
                  Outgoing& leg, uint32_t from_rate, uint32_t to_rate, TimePoint now,
                  Send&& send) noexcept {
    auto event = rtp::TelephoneEvent::parse(packet.payload());
    if (!event) return;
    event->duration = rtp::rescale_event_duration(event->duration, from_rate, to_rate);
    std::array<uint8_t, rtp::TelephoneEvent::kSize> payload{};
    event->write(payload);
    auto view =
        make_packet(scratch_, payload_type, packet.marker(), leg.sequence++, timestamp, payload);
    if (view) send(*view, now);
  }

  void drain_to_pbx(TimePoint now) noexcept {
    std::array<uint8_t, codec::kG711FrameSamples> g711{};
    while (down_.pop_frame(g711)) {
      const uint32_t ts = to_pbx_.timestamp;
      to_pbx_.timestamp += codec::kG711FrameSamples;
      if (muted_) continue;  // a generated event is playing
      auto view = make_packet(scratch_, params_.pbx_pt, std::exchange(to_pbx_.marker, false),
                              to_pbx_.sequence++, ts, g711);
      if (view) out_.to_pbx(*view, now);
    }
  }

  void send_opus(std::span<const uint8_t> opus, TimePoint now) noexcept {
    const uint32_t ts = to_browser_.timestamp;
    to_browser_.timestamp += kOpusFrameTicks;
    auto view = make_packet(scratch_, params_.browser_pt, std::exchange(to_browser_.marker, false),
                            to_browser_.sequence++, ts, opus);
    if (view) out_.to_browser(scratch_, *view, now);
  }

  BridgeParams params_;
  BridgeOutput& out_;
  codec::OpusToG711 down_;
  codec::G711ToOpus up_;
  Incoming from_browser_;
  Incoming from_pbx_;
  Outgoing to_pbx_;
  Outgoing to_browser_;
  bool muted_ = false;
  uint32_t generated_timestamp_ = 0;
  std::array<uint8_t, codec::kG711FrameSamples> frame_{};  // G.711 collected toward 20 ms
  size_t pending_ = 0;
  std::array<uint8_t, codec::kOpusMaxPacketSize> opus_{};
  std::array<uint8_t, kScratchSize> scratch_{};
};

}  // namespace

Result<std::unique_ptr<AudioPath>> make_audio_path(const BridgeParams& params,
                                                   BridgeOutput& output) {
  if (params.pbx_codec == BridgeCodec::kOpus) {
    return std::unique_ptr<AudioPath>(std::make_unique<PassthroughPath>(params, output));
  }
  const auto law =
      params.pbx_codec == BridgeCodec::kPcmu ? codec::G711Law::kUlaw : codec::G711Law::kAlaw;
  auto down = codec::OpusToG711::create(law);
  if (!down) return Error{"media: Opus decoder: " + down.error().reason};
  codec::G711ToOpusConfig config;
  config.law = law;
  auto up = codec::G711ToOpus::create(config);
  if (!up) return Error{"media: Opus encoder: " + up.error().reason};
  return std::unique_ptr<AudioPath>(std::make_unique<TranscodePath>(
      params, output, std::move(down.value()), std::move(up.value())));
}

std::span<uint8_t> strip_header_extension(std::span<uint8_t> packet) noexcept {
  if (packet.size() < rtp::kRtpFixedHeaderSize || (packet[0] & 0x10) == 0) return packet;
  const size_t fixed = rtp::kRtpFixedHeaderSize + 4 * size_t{packet[0] & 0x0Fu};
  if (packet.size() < fixed + 4) return packet;
  const size_t extension = 4 + 4 * size_t{load_be16(&packet[fixed + 2])};
  if (packet.size() < fixed + extension) return packet;
  std::memmove(packet.data() + extension, packet.data(), fixed);
  packet[extension] &= static_cast<uint8_t>(~0x10u);
  return packet.subspan(extension);
}

size_t write_rtp_header(std::span<uint8_t> out, uint8_t payload_type, bool marker,
                        uint16_t sequence, uint32_t timestamp, uint32_t ssrc) noexcept {
  if (out.size() < rtp::kRtpFixedHeaderSize) return 0;
  out[0] = 0x80;
  out[1] = static_cast<uint8_t>((marker ? 0x80 : 0) | (payload_type & 0x7F));
  store_be16(&out[2], sequence);
  store_be32(&out[4], timestamp);
  store_be32(&out[8], ssrc);
  return rtp::kRtpFixedHeaderSize;
}

}  // namespace tandem::media
