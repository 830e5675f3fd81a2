#include "service_media/tone_source.hpp"

#include "codec/g711.hpp"

namespace tandem::pbx {

Result<ToneSource> ToneSource::create(ServiceCodec codec, uint32_t frequency_hz, double amplitude) {
  const uint32_t rate = codec == ServiceCodec::kOpus ? 48000 : 8000;
  auto tone = codec::ToneGenerator::create(frequency_hz, rate, amplitude);
  if (!tone) return tone.error();
  std::optional<codec::OpusAudioEncoder> opus;
  if (codec == ServiceCodec::kOpus) {
    codec::OpusEncoderConfig config;
    config.sample_rate = rate;
    auto encoder = codec::OpusAudioEncoder::create(config);
    if (!encoder) return encoder.error();
    opus.emplace(std::move(encoder).value());
  }
  return ToneSource(codec, *tone, rate / 50, std::move(opus));
}

size_t ToneSource::next_frame(std::span<uint8_t> out) noexcept {
  const auto pcm = std::span(pcm_).first(samples_);
  tone_.generate(pcm);
  switch (codec_) {
    case ServiceCodec::kPcmu:
      return codec::ulaw_encode(pcm, out);
    case ServiceCodec::kPcma:
      return codec::alaw_encode(pcm, out);
    case ServiceCodec::kOpus: {
      auto n = opus_->encode(pcm, out);
      return n ? *n : 0;
    }
  }
  return 0;
}

}  // namespace tandem::pbx
