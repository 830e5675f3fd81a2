// Per-leg transcoding between Opus (the browser leg) and G.711 (a PBX leg that offers no Opus).
// Both directions run at 8 kHz inside libopus (it decodes to and encodes from 8 kHz itself), so
// there is no resampler. Everything is allocated at create(), chosen once at negotiation; the
// per-packet calls are noexcept, lock-free and allocate nothing.
//
// RTP clocks: Opus always counts 48 kHz (RFC 7587), G.711 8 kHz. The transcoder sees payloads
// only; each leg's SeqTsRewriter stamps its own clock, and rtp/telephone_event's
// rescale_timestamp_delta / rescale_event_duration map timestamps and RFC 4733 durations between
// the two rates. g711_ticks_to_opus / opus_ticks_to_g711 below are the same mapping for payload
// durations (x6 / ÷6).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

#include "codec/opus_codec.hpp"
#include "common/result.hpp"

namespace tandem::codec {

enum class G711Law : uint8_t { kUlaw, kAlaw };  // PCMU (PT 0), PCMA (PT 8)

inline constexpr uint32_t kG711RtpClockRate = 8000;
// One 20 ms G.711 packet: 160 samples, 160 bytes.
inline constexpr size_t kG711FrameSamples = 160;

constexpr uint32_t g711_ticks_to_opus(uint32_t ticks) noexcept {
  return ticks * (kOpusRtpClockRate / kG711RtpClockRate);
}
constexpr uint32_t opus_ticks_to_g711(uint32_t ticks) noexcept {
  return ticks / (kOpusRtpClockRate / kG711RtpClockRate);
}

// Opus packets (10/20/40/60 ms, any mode) in, a continuous stream of 20 ms G.711 frames out.
// After each received packet or reported loss, drain the whole 20 ms frames with pop_frame();
// a 10 ms packet yields a frame every second call, a 60 ms packet three.
class OpusToG711 {
 public:
  static Result<OpusToG711> create(G711Law law);

  // Decodes a received payload. An empty payload (a DTX gap some senders signal that way) is
  // concealed like a lost packet: libopus PLC, which decays to silence over ~100 ms and so acts
  // as comfort noise. Opus DTX's own 1-2 byte packets decode normally (comfort noise). When a
  // DTX sender simply stops (a timestamp jump without a sequence gap), the caller calls
  // conceal() once per 20 ms of the jump, so the PBX still gets a frame every 20 ms. Garbage is
  // a failure and adds nothing.
  FrameResult decode(std::span<const uint8_t> payload) noexcept;

  // One lost packet (call it once per missing sequence number), assumed as long as the last
  // received one. Pass the packet after the gap as `next` when it has already arrived (only for
  // the last missing one): its in-band FEC rebuilds the loss; otherwise PLC extrapolates.
  FrameResult conceal(std::span<const uint8_t> next = {}) noexcept;

  // Whole 20 ms frames buffered.
  size_t frames_ready() const noexcept { return (end_ - begin_) / kG711FrameSamples; }
  // Writes the next frame's 160 G.711 bytes into `out` (out.size() >= 160); false when no whole
  // frame is buffered.
  bool pop_frame(std::span<uint8_t> out) noexcept;

 private:
  OpusToG711(OpusAudioDecoder decoder, G711Law law) noexcept
      : decoder_(std::move(decoder)), law_(law) {}
  std::span<int16_t> free_space() noexcept;

  OpusAudioDecoder decoder_;
  G711Law law_;
  size_t last_samples_ = kG711FrameSamples;  // duration of the last packet, at 8 kHz
  // A 120 ms packet plus a partial 20 ms frame left over.
  std::array<int16_t, kOpusMaxFrameSamples / 6 + kG711FrameSamples> pcm_{};
  size_t begin_ = 0;
  size_t end_ = 0;
};

struct G711ToOpusConfig {
  G711Law law = G711Law::kUlaw;
  // Narrowband speech: 8 kHz input caps Opus at NB (4 kHz audio); 24 kbit/s leaves room for the
  // LBRR (FEC) copy, which takes roughly a third of the rate at 10-20 % expected loss.
  uint32_t bitrate = 24000;
  uint32_t expected_loss_percent = 10;  // from the browser's RTCP loss reports, if the caller likes
  // The encoder is most of a transcoded leg's CPU. Narrowband SILK keeps its 10th-order LPC at
  // every complexity, so 1 costs little quality and meets issue 5's 4 ms CPU per call-second
  // (bench/transcode_bench: ~2.9 ms at 1, ~4 ms at 2, ~5 ms at 5).
  int complexity = 1;
};

// 20 ms G.711 packets in, one 20 ms Opus packet (in-band FEC on) out per packet.
class G711ToOpus {
 public:
  static Result<G711ToOpus> create(const G711ToOpusConfig& config);

  // g711 must be exactly one 20 ms frame (160 bytes); returns the Opus payload size in `out`
  // (out.size() >= kOpusMaxPacketSize is always enough).
  FrameResult encode(std::span<const uint8_t> g711, std::span<uint8_t> out) noexcept;

  // A lost G.711 packet: encodes 20 ms of silence. G.711 has no PLC of its own; silence keeps the
  // browser's stream and timestamps continuous without inventing a signal (repeating the last
  // frame buzzes on voiced speech), and the Opus encoder's overlap smooths the edges.
  FrameResult encode_lost(std::span<uint8_t> out) noexcept;

 private:
  G711ToOpus(OpusAudioEncoder encoder, G711Law law) noexcept
      : encoder_(std::move(encoder)), law_(law) {}

  OpusAudioEncoder encoder_;
  G711Law law_;
};

}  // namespace tandem::codec
