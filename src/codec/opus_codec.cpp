#include "codec/opus_codec.hpp"

#include <opus/opus.h>

#include <string>

namespace tandem::codec {

namespace {

bool supported_rate(uint32_t rate) { return rate == 8000 || rate == 16000 || rate == 48000; }

Error opus_error(const char* what, int code) {
  return Error{std::string(what) + ": " + opus_strerror(code)};
}

}  // namespace

std::string FrameResult::describe() const {
  if (ok()) return {};
  return std::string(what_) + ": " + opus_strerror(code_);
}

void OpusAudioEncoder::Deleter::operator()(::OpusEncoder* e) const noexcept {
  opus_encoder_destroy(e);
}

void OpusAudioDecoder::Deleter::operator()(::OpusDecoder* d) const noexcept {
  opus_decoder_destroy(d);
}

Result<OpusAudioEncoder> OpusAudioEncoder::create(const OpusEncoderConfig& config) {
  if (!supported_rate(config.sample_rate)) {
    return Error{"opus encoder: sample rate must be 8000, 16000 or 48000, not " +
                 std::to_string(config.sample_rate)};
  }
  if (config.complexity < 0 || config.complexity > 10) {
    return Error{"opus encoder: complexity must be 0..10"};
  }
  if (config.bitrate < 6000 || config.bitrate > 510000) {
    return Error{"opus encoder: bitrate must be 6000..510000 bit/s"};
  }
  if (config.expected_loss_percent > 100) {
    return Error{"opus encoder: expected loss must be 0..100 %"};
  }
  int err = OPUS_OK;
  ::OpusEncoder* state = opus_encoder_create(static_cast<opus_int32>(config.sample_rate), 1,
                                             OPUS_APPLICATION_VOIP, &err);
  if (state == nullptr || err != OPUS_OK) return opus_error("opus_encoder_create", err);
  OpusAudioEncoder encoder(state, config.sample_rate);
  const int results[] = {
      opus_encoder_ctl(state, OPUS_SET_BITRATE(static_cast<opus_int32>(config.bitrate))),
      opus_encoder_ctl(state, OPUS_SET_COMPLEXITY(config.complexity)),
      opus_encoder_ctl(state, OPUS_SET_INBAND_FEC(config.inband_fec ? 1 : 0)),
      opus_encoder_ctl(
          state, OPUS_SET_PACKET_LOSS_PERC(static_cast<opus_int32>(config.expected_loss_percent))),
      opus_encoder_ctl(state, OPUS_SET_DTX(config.dtx ? 1 : 0)),
      opus_encoder_ctl(state, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE)),
  };
  for (int r : results) {
    if (r != OPUS_OK) return opus_error("opus_encoder_ctl", r);
  }
  return encoder;
}

FrameResult OpusAudioEncoder::encode(std::span<const int16_t> pcm,
                                     std::span<uint8_t> out) noexcept {
  const int n = opus_encode(state_.get(), pcm.data(), static_cast<int>(pcm.size()), out.data(),
                            static_cast<opus_int32>(out.size()));
  if (n < 0) return FrameResult::failure(n, "opus_encode");
  return FrameResult::success(static_cast<size_t>(n));
}

Result<OpusAudioDecoder> OpusAudioDecoder::create(uint32_t sample_rate) {
  if (!supported_rate(sample_rate)) {
    return Error{"opus decoder: sample rate must be 8000, 16000 or 48000, not " +
                 std::to_string(sample_rate)};
  }
  int err = OPUS_OK;
  ::OpusDecoder* state = opus_decoder_create(static_cast<opus_int32>(sample_rate), 1, &err);
  if (state == nullptr || err != OPUS_OK) return opus_error("opus_decoder_create", err);
  return OpusAudioDecoder(state, sample_rate);
}

FrameResult OpusAudioDecoder::decode(std::span<const uint8_t> packet,
                                     std::span<int16_t> pcm) noexcept {
  // An empty packet would mean "lost" to libopus; losses go through conceal().
  if (packet.empty()) return FrameResult::failure(OPUS_INVALID_PACKET, "opus_decode");
  const int n = opus_decode(state_.get(), packet.data(), static_cast<opus_int32>(packet.size()),
                            pcm.data(), static_cast<int>(pcm.size()), 0);
  if (n < 0) return FrameResult::failure(n, "opus_decode");
  return FrameResult::success(static_cast<size_t>(n));
}

FrameResult OpusAudioDecoder::conceal(std::span<int16_t> pcm,
                                      std::span<const uint8_t> next) noexcept {
  // With decode_fec=1 libopus takes the LBRR copy from `next` when present and falls back to PLC
  // by itself when `next` has none; a null packet is plain PLC.
  const bool use_fec = !next.empty();
  const int n = opus_decode(state_.get(), use_fec ? next.data() : nullptr,
                            use_fec ? static_cast<opus_int32>(next.size()) : 0, pcm.data(),
                            static_cast<int>(pcm.size()), use_fec ? 1 : 0);
  if (n < 0) return FrameResult::failure(n, use_fec ? "opus_decode (fec)" : "opus_decode (plc)");
  return FrameResult::success(static_cast<size_t>(n));
}

}  // namespace tandem::codec
