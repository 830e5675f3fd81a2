// libFuzzer target: any bytes as a stream of Opus packets for OpusAudioDecoder. The first byte
// picks the decoder rate (8/16/48 kHz) and the output size; the rest is cut into length-prefixed
// packets, each decoded and also offered as the FEC source for a concealed loss. Garbage must give
// an Error, never a crash, a leak or more samples than the buffer holds. The same bytes also go
// through the G.711 decoders, whose output must re-encode to the same codes.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "codec/g711.hpp"
#include "codec/opus_codec.hpp"

namespace {
void check(bool condition) {
  if (!condition) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tandem::codec;
  if (size < 1) return 0;
  static constexpr uint32_t kRates[] = {8000, 16000, 48000};
  const uint32_t rate = kRates[data[0] % 3];
  // Output sizes: a full 120 ms, exactly 20 ms, or too small for most packets.
  const size_t out_samples[] = {rate * 120 / 1000, rate / 50, rate / 400};
  const size_t capacity = out_samples[(data[0] >> 2) % 3];
  static std::array<int16_t, kOpusMaxFrameSamples> pcm{};
  auto decoder = OpusAudioDecoder::create(rate);
  check(decoder.ok());
  const auto out = std::span(pcm).first(capacity);

  std::span<const uint8_t> rest(data + 1, size - 1);
  while (!rest.empty()) {
    const size_t len = std::min<size_t>(rest[0], rest.size() - 1);
    const auto packet = rest.subspan(1, len);
    rest = rest.subspan(1 + len);
    if (auto n = decoder->decode(packet, out)) {
      check(*n <= capacity);
      check(*n % (rate / 400) == 0);  // whole 2.5 ms units
    }
    if (auto n = decoder->conceal(out, packet)) check(*n <= capacity);
  }
  if (auto n = decoder->conceal(out)) check(*n <= capacity);

  for (size_t i = 1; i < size; ++i) {
    check(alaw_encode(alaw_decode(data[i])) == data[i]);
    const uint8_t u = ulaw_encode(ulaw_decode(data[i]));
    check(u == data[i] || (data[i] == 0x7F && u == 0xFF));  // µ-law's two zeros
  }
  return 0;
}
