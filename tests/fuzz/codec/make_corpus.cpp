// Writes the opus_decode_fuzzer seed corpus: for each decoder rate, a few frames of a 1000 Hz
// tone encoded by libopus (FEC on), in the fuzzer's format [mode byte]([length][packet])*.
//   make_corpus OUTPUT_DIR      (target opus_fuzz_make_corpus, not built by default)
#include <array>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "codec/opus_codec.hpp"
#include "codec/tone_generator.hpp"

using namespace tandem::codec;

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const uint32_t rates[] = {8000, 16000, 48000};
  for (uint8_t r = 0; r < 3; ++r) {
    for (uint32_t bitrate : {12000u, 32000u}) {
      OpusEncoderConfig config;
      config.sample_rate = rates[r];
      config.bitrate = bitrate;
      config.expected_loss_percent = 20;
      auto encoder = OpusAudioEncoder::create(config);
      auto tone = ToneGenerator::create(1000, rates[r], 0.5);
      if (!encoder || !tone) return 1;
      std::vector<uint8_t> file = {r};
      std::vector<int16_t> pcm(rates[r] / 50);
      std::array<uint8_t, kOpusMaxPacketSize> packet{};
      for (int i = 0; i < 4; ++i) {
        tone->generate(pcm);
        auto n = encoder->encode(pcm, packet);
        if (!n || *n > 255) return 1;
        file.push_back(static_cast<uint8_t>(*n));
        file.insert(file.end(), packet.begin(), packet.begin() + static_cast<long>(*n));
      }
      const std::string name = std::string(argv[1]) + "/tone-" + std::to_string(rates[r]) + "-" +
                               std::to_string(bitrate);
      std::ofstream(name, std::ios::binary)
          .write(reinterpret_cast<const char*>(file.data()), static_cast<long>(file.size()));
    }
  }
  return 0;
}
