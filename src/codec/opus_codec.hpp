// RAII wrappers over libopus for mono VoIP audio. The encoder and decoder states are allocated
// once, at create(); encode/decode then run without heap allocation (libopus keeps its scratch on
// the stack) and never throw. Sample rates 8, 16 and 48 kHz (Opus also allows 12 and 24 kHz, which
// no leg of ours uses); frames are 10, 20, 40 or 60 ms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "common/result.hpp"

struct OpusEncoder;
struct OpusDecoder;

namespace tandem::codec {

// RFC 7587: the RTP clock of Opus is always 48 kHz, whatever rate the codec runs at.
inline constexpr uint32_t kOpusRtpClockRate = 48000;
// Largest packet libopus produces (RFC 6716 §3.4: 1275 bytes per frame; one frame per packet here).
inline constexpr size_t kOpusMaxPacketSize = 1275;
// Samples in a 120 ms packet at 48 kHz: the most one packet can decode to.
inline constexpr size_t kOpusMaxFrameSamples = 5760;

// Outcome of a per-frame call: a size or sample count, or a libopus error code. It holds no string
// (unlike Result), so the frame path stays allocation-free and noexcept even when a peer sends
// garbage; describe() builds the text when the caller wants to log it.
class FrameResult {
 public:
  static FrameResult success(size_t count) noexcept { return FrameResult(count, 0, nullptr); }
  static FrameResult failure(int code, const char* what) noexcept {
    return FrameResult(0, code, what);
  }

  bool ok() const noexcept { return what_ == nullptr; }
  explicit operator bool() const noexcept { return ok(); }
  size_t value() const noexcept { return count_; }  // 0 on failure
  size_t operator*() const noexcept { return count_; }
  int code() const noexcept { return code_; }  // an OPUS_* error code on failure
  // "opus_decode: corrupted stream", or "" on success.
  std::string describe() const;

 private:
  FrameResult(size_t count, int code, const char* what) noexcept
      : count_(count), code_(code), what_(what) {}

  size_t count_;
  int code_;
  const char* what_;  // the failing call, static storage
};

struct OpusEncoderConfig {
  uint32_t sample_rate = 48000;        // 8000, 16000 or 48000
  uint32_t bitrate = 32000;            // bits per second
  int complexity = 5;                  // 0..10; the transcoder uses 1 (bench/README.md: transcode)
  bool inband_fec = true;              // LBRR data the receiver uses to rebuild a lost packet
  uint32_t expected_loss_percent = 5;  // FEC only kicks in with a non-zero loss estimate
  bool dtx = false;
};

class OpusAudioEncoder {
 public:
  static Result<OpusAudioEncoder> create(const OpusEncoderConfig& config);

  // Encodes one frame (pcm.size() must be 10/20/40/60 ms at the sample rate) into `out`; returns
  // the packet size in bytes, or a failure when the frame size or buffer is wrong.
  FrameResult encode(std::span<const int16_t> pcm, std::span<uint8_t> out) noexcept;

  uint32_t sample_rate() const noexcept { return sample_rate_; }

 private:
  struct Deleter {
    void operator()(::OpusEncoder* e) const noexcept;
  };
  OpusAudioEncoder(::OpusEncoder* state, uint32_t sample_rate) noexcept
      : state_(state), sample_rate_(sample_rate) {}

  std::unique_ptr<::OpusEncoder, Deleter> state_;
  uint32_t sample_rate_;
};

class OpusAudioDecoder {
 public:
  static Result<OpusAudioDecoder> create(uint32_t sample_rate);

  // Decodes a received packet into `pcm`; returns the number of samples written. Garbage input
  // yields a failure (OPUS_INVALID_PACKET, "corrupted stream"), never a crash.
  FrameResult decode(std::span<const uint8_t> packet, std::span<int16_t> pcm) noexcept;

  // Fills `pcm` (its size = the lost duration, a multiple of 2.5 ms) for a lost packet. When the
  // packet after the gap has arrived, pass it as `next`: its in-band FEC rebuilds the loss;
  // otherwise (or when it carries no FEC) packet loss concealment extrapolates. Returns samples.
  FrameResult conceal(std::span<int16_t> pcm, std::span<const uint8_t> next = {}) noexcept;

  uint32_t sample_rate() const noexcept { return sample_rate_; }

 private:
  struct Deleter {
    void operator()(::OpusDecoder* d) const noexcept;
  };
  OpusAudioDecoder(::OpusDecoder* state, uint32_t sample_rate) noexcept
      : state_(state), sample_rate_(sample_rate) {}

  std::unique_ptr<::OpusDecoder, Deleter> state_;
  uint32_t sample_rate_;
};

}  // namespace tandem::codec
