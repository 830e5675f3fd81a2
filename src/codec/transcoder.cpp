#include "codec/transcoder.hpp"

#include <opus/opus.h>

#include <algorithm>
#include <utility>

#include "codec/g711.hpp"

namespace tandem::codec {

namespace {

size_t g711_decode(G711Law law, std::span<const uint8_t> in, std::span<int16_t> out) noexcept {
  return law == G711Law::kUlaw ? ulaw_decode(in, out) : alaw_decode(in, out);
}

size_t g711_encode(G711Law law, std::span<const int16_t> in, std::span<uint8_t> out) noexcept {
  return law == G711Law::kUlaw ? ulaw_encode(in, out) : alaw_encode(in, out);
}

}  // namespace

Result<OpusToG711> OpusToG711::create(G711Law law) {
  auto decoder = OpusAudioDecoder::create(kG711RtpClockRate);
  if (!decoder.ok()) return decoder.error();
  return OpusToG711(std::move(*decoder), law);
}

std::span<int16_t> OpusToG711::free_space() noexcept {
  // Move the partial frame left over to the front so a whole packet fits behind it.
  if (begin_ != 0) {
    std::copy(pcm_.begin() + static_cast<long>(begin_), pcm_.begin() + static_cast<long>(end_),
              pcm_.begin());
    end_ -= begin_;
    begin_ = 0;
  }
  return std::span(pcm_).subspan(end_);
}

FrameResult OpusToG711::decode(std::span<const uint8_t> payload) noexcept {
  if (payload.empty()) return conceal();
  auto n = decoder_.decode(payload, free_space());
  if (!n.ok()) return n;
  end_ += *n;
  last_samples_ = *n;
  return n;
}

FrameResult OpusToG711::conceal(std::span<const uint8_t> next) noexcept {
  auto space = free_space();
  if (space.size() < last_samples_) {
    return FrameResult::failure(OPUS_BUFFER_TOO_SMALL, "transcoder: frames not drained");
  }
  auto lost = space.first(last_samples_);
  size_t done = 0;
  if (!next.empty()) {
    // The LBRR copy in `next` covers one frame of next's duration, the end of the gap; anything
    // before it (a longer lost packet) is PLC first.
    const int fec = opus_packet_get_samples_per_frame(next.data(), kG711RtpClockRate);
    const size_t fec_samples = std::min(lost.size(), static_cast<size_t>(std::max(fec, 0)));
    if (fec_samples > 0 && fec_samples < lost.size()) {
      auto plc = decoder_.conceal(lost.first(lost.size() - fec_samples));
      if (!plc.ok()) return plc;
      done = *plc;
    }
    // A corrupt `next` fails here; PLC below then covers the rest instead.
    if (fec_samples > 0) {
      auto r = decoder_.conceal(lost.subspan(done), next);
      if (r.ok()) done += *r;
    }
  }
  if (done < lost.size()) {
    auto plc = decoder_.conceal(lost.subspan(done));
    if (!plc.ok()) return plc;
    done += *plc;
  }
  end_ += done;
  return FrameResult::success(done);
}

bool OpusToG711::pop_frame(std::span<uint8_t> out) noexcept {
  if (frames_ready() == 0 || out.size() < kG711FrameSamples) return false;
  g711_encode(law_, std::span(pcm_).subspan(begin_, kG711FrameSamples), out);
  begin_ += kG711FrameSamples;
  if (begin_ == end_) begin_ = end_ = 0;
  return true;
}

Result<G711ToOpus> G711ToOpus::create(const G711ToOpusConfig& config) {
  OpusEncoderConfig opus;
  opus.sample_rate = kG711RtpClockRate;
  opus.bitrate = config.bitrate;
  opus.complexity = config.complexity;
  opus.inband_fec = true;
  opus.expected_loss_percent = config.expected_loss_percent;
  auto encoder = OpusAudioEncoder::create(opus);
  if (!encoder.ok()) return encoder.error();
  return G711ToOpus(std::move(*encoder), config.law);
}

FrameResult G711ToOpus::encode(std::span<const uint8_t> g711, std::span<uint8_t> out) noexcept {
  if (g711.size() != kG711FrameSamples) {
    return FrameResult::failure(OPUS_BAD_ARG, "transcoder: G.711 frame is not 20 ms");
  }
  std::array<int16_t, kG711FrameSamples> pcm{};
  g711_decode(law_, g711, pcm);
  return encoder_.encode(pcm, out);
}

FrameResult G711ToOpus::encode_lost(std::span<uint8_t> out) noexcept {
  const std::array<int16_t, kG711FrameSamples> silence{};
  return encoder_.encode(silence, out);
}

}  // namespace tandem::codec
