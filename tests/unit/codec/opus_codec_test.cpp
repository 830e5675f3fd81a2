// The libopus wrapper: a 1000 Hz tone survives encode → decode at every supported rate, lost
// packets are rebuilt from in-band FEC (and only with FEC on), garbage is an error, and the
// per-frame path allocates nothing once created.
#include "codec/opus_codec.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "codec/tone_analyzer.hpp"
#include "codec/tone_generator.hpp"
#include "support/allocation_counter.hpp"

namespace tandem::codec {
namespace {

struct Stream {
  std::vector<std::vector<uint8_t>> packets;
};

Stream encode_tone(uint32_t rate, bool fec, int frames, uint32_t bitrate = 32000) {
  OpusEncoderConfig config;
  config.sample_rate = rate;
  config.inband_fec = fec;
  config.expected_loss_percent = fec ? 20 : 0;
  config.bitrate = bitrate;
  auto encoder = OpusAudioEncoder::create(config);
  EXPECT_TRUE(encoder.ok()) << (encoder.ok() ? "" : encoder.error().reason);
  auto tone = ToneGenerator::create(1000, rate, 0.5);
  EXPECT_TRUE(tone.ok());
  std::vector<int16_t> pcm(rate / 50);
  std::array<uint8_t, kOpusMaxPacketSize> out{};
  Stream s;
  for (int i = 0; i < frames; ++i) {
    tone->generate(pcm);
    auto n = encoder->encode(pcm, out);
    EXPECT_TRUE(n.ok()) << n.describe();
    if (!n.ok()) break;
    s.packets.emplace_back(out.begin(), out.begin() + static_cast<long>(*n));
  }
  return s;
}

class OpusRates : public testing::TestWithParam<uint32_t> {};

TEST_P(OpusRates, ToneSurvivesEncodeDecode) {
  const uint32_t rate = GetParam();
  const Stream s = encode_tone(rate, true, 50);
  auto decoder = OpusAudioDecoder::create(rate);
  ASSERT_TRUE(decoder.ok());
  std::vector<int16_t> all;
  std::vector<int16_t> frame(kOpusMaxFrameSamples);
  for (const auto& p : s.packets) {
    auto n = decoder->decode(p, frame);
    ASSERT_TRUE(n.ok()) << n.describe();
    ASSERT_EQ(*n, rate / 50);
    all.insert(all.end(), frame.begin(), frame.begin() + static_cast<long>(*n));
  }
  // Skip the first 200 ms (encoder start-up), measure the rest.
  const auto m = measure_tone(std::span(all).subspan(rate / 5), rate, 50, 3900);
  EXPECT_NEAR(m.frequency_hz, 1000.0, 1.0);
  EXPECT_NEAR(m.amplitude, 0.5, 0.1);
  EXPECT_GT(m.purity, 0.9);
}

INSTANTIATE_TEST_SUITE_P(Rates, OpusRates, testing::Values(8000u, 16000u, 48000u));

// Feeds packets [0, lost) then conceals `lost` with or without the next packet; returns the
// concealed frame.
std::vector<int16_t> conceal_after(const Stream& s, int lost, uint32_t rate, bool give_next) {
  auto decoder = OpusAudioDecoder::create(rate);
  EXPECT_TRUE(decoder.ok());
  std::vector<int16_t> frame(kOpusMaxFrameSamples);
  for (int i = 0; i < lost; ++i) EXPECT_TRUE(decoder->decode(s.packets[i], frame).ok());
  std::vector<int16_t> out(rate / 50);
  auto n = give_next ? decoder->conceal(out, s.packets[lost + 1]) : decoder->conceal(out);
  EXPECT_TRUE(n.ok());
  EXPECT_EQ(*n, rate / 50);
  return out;
}

TEST(OpusCodec, FecRebuildsLostPacketOnlyWhenEncoded) {
  for (uint32_t rate : {8000u, 48000u}) {
    const Stream with_fec = encode_tone(rate, true, 30, 24000);
    const Stream without = encode_tone(rate, false, 30, 24000);
    // With FEC in the stream, the next packet's LBRR copy changes what we get for the loss.
    EXPECT_NE(conceal_after(with_fec, 20, rate, true), conceal_after(with_fec, 20, rate, false))
        << rate;
    // Without it libopus falls back to plain PLC: identical output.
    EXPECT_EQ(conceal_after(without, 20, rate, true), conceal_after(without, 20, rate, false))
        << rate;
    // The rebuilt frame still carries the tone.
    const auto rebuilt = conceal_after(with_fec, 20, rate, true);
    const auto m = measure_tone(rebuilt, rate, 200, 3000);
    EXPECT_NEAR(m.frequency_hz, 1000.0, 25.0) << rate;  // one 20 ms frame: coarse resolution
  }
}

TEST(OpusCodec, RejectsBadConfigAndInput) {
  OpusEncoderConfig config;
  config.sample_rate = 44100;
  EXPECT_FALSE(OpusAudioEncoder::create(config).ok());
  config.sample_rate = 48000;
  config.complexity = 11;
  EXPECT_FALSE(OpusAudioEncoder::create(config).ok());
  EXPECT_FALSE(OpusAudioDecoder::create(22050).ok());

  auto decoder = OpusAudioDecoder::create(48000);
  ASSERT_TRUE(decoder.ok());
  std::vector<int16_t> pcm(kOpusMaxFrameSamples);
  // RFC 6716 §3.2.5: code 3 with a frame count of 0 is invalid.
  const std::array<uint8_t, 2> invalid = {0x03, 0x00};
  auto r = decoder->decode(invalid, pcm);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.describe(), "opus_decode: corrupted stream");
  EXPECT_FALSE(decoder->decode({}, pcm).ok());
  // Output too small for the packet's 20 ms.
  const Stream s = encode_tone(48000, false, 1);
  std::array<int16_t, 100> tiny{};
  EXPECT_FALSE(decoder->decode(s.packets[0], tiny).ok());

  config.complexity = 5;
  auto encoder = OpusAudioEncoder::create(config);
  ASSERT_TRUE(encoder.ok());
  std::array<int16_t, 123> odd{};  // not a legal frame size
  std::array<uint8_t, kOpusMaxPacketSize> out{};
  EXPECT_FALSE(encoder->encode(odd, out).ok());
}

TEST(OpusCodec, FramePathAllocatesNothing) {
  if (!test::malloc_counting_available()) GTEST_SKIP() << "no malloc hook";
  OpusEncoderConfig config;
  auto encoder = OpusAudioEncoder::create(config);
  auto decoder = OpusAudioDecoder::create(48000);
  auto tone = ToneGenerator::create(1000, 48000, 0.5);
  ASSERT_TRUE(encoder.ok() && decoder.ok() && tone.ok());
  std::array<int16_t, 960> pcm{};
  std::array<int16_t, kOpusMaxFrameSamples> decoded{};
  std::array<uint8_t, kOpusMaxPacketSize> packet{};
  // The hook sees libopus's own allocations (a decoder state is malloc'd inside libopus).
  const long hook_check = test::malloc_calls();
  ASSERT_TRUE(OpusAudioDecoder::create(8000).ok());
  ASSERT_GT(test::malloc_calls(), hook_check);
  const long before = test::malloc_calls();
  size_t total = 0;
  for (int i = 0; i < 200; ++i) {
    tone->generate(pcm);
    auto n = encoder->encode(pcm, packet);
    ASSERT_TRUE(n.ok());
    const auto p = std::span<const uint8_t>(packet.data(), *n);
    if (i % 10 == 9) {
      auto c = decoder->conceal(std::span(decoded).first(960), p);
      ASSERT_TRUE(c.ok());
    }
    auto d = decoder->decode(p, decoded);
    ASSERT_TRUE(d.ok());
    total += *d;
  }
  EXPECT_EQ(test::malloc_calls() - before, 0);
  EXPECT_EQ(total, 200u * 960u);
}

}  // namespace
}  // namespace tandem::codec
