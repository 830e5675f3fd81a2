// ToneSource: the 601 service's audio, one encoded 20 ms frame at a time: a continuous sine
// (1000 Hz by default) encoded as PCMU/PCMA (8 kHz) or Opus (encoded at 48 kHz, RTP clock 48 kHz).
// Buffers and codec state are allocated at create(); next_frame() allocates nothing.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "codec/opus_codec.hpp"
#include "codec/tone_generator.hpp"
#include "common/result.hpp"
#include "service_media/service_sdp.hpp"

namespace tandem::pbx {

class ToneSource {
 public:
  static Result<ToneSource> create(ServiceCodec codec, uint32_t frequency_hz = 1000,
                                   double amplitude = 0.5);

  // Encodes the next 20 ms into `out`; returns the payload size (0 on an encoder error, which
  // libopus only reports for misuse).
  size_t next_frame(std::span<uint8_t> out) noexcept;

  // RTP timestamp advance per frame (160 at 8 kHz, 960 for Opus's 48 kHz clock).
  uint32_t timestamp_step() const noexcept { return samples_; }

 private:
  ToneSource(ServiceCodec codec, codec::ToneGenerator tone, uint32_t samples,
             std::optional<codec::OpusAudioEncoder> opus) noexcept
      : codec_(codec), tone_(tone), samples_(samples), opus_(std::move(opus)) {}

  ServiceCodec codec_;
  codec::ToneGenerator tone_;
  uint32_t samples_;
  std::optional<codec::OpusAudioEncoder> opus_;
  std::array<int16_t, 960> pcm_{};
};

}  // namespace tandem::pbx
