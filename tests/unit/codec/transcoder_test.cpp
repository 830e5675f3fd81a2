// The Opus <-> G.711 transcoder: tones survive both directions at every Opus frame size (the
// G.711 side decoded by spandsp, an independent implementation), a lost packet is rebuilt from
// the next packet's in-band FEC better than PLC alone, bursts are concealed, the G.711 stream
// stays 20 ms continuous whatever happens, and the per-packet path allocates nothing.
#include "codec/transcoder.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>

#include "codec/tone_analyzer.hpp"
#include "codec/tone_generator.hpp"
#include "support/allocation_counter.hpp"

// spandsp after <cmath>: its headers redefine lrint and friends when seen first.
// Its headers must come in this order (telephony.h defines SPAN_DECLARE).
// clang-format off
extern "C" {
#include <spandsp/telephony.h>
#include <spandsp/bit_operations.h>
#include <spandsp/g711.h>
}
// clang-format on

namespace tandem::codec {
namespace {

using Packets = std::vector<std::vector<uint8_t>>;

// A sum of sines, each at `amplitude`.
struct Signal {
  std::vector<uint32_t> tones;
  double amplitude = 0.5;
};

// What the browser sends: Opus at 48 kHz, in-band FEC on.
Packets browser_opus(const Signal& signal, int frame_ms, int total_ms, uint32_t bitrate = 32000) {
  OpusEncoderConfig config;
  config.sample_rate = 48000;
  config.bitrate = bitrate;
  config.expected_loss_percent = 20;
  auto encoder = OpusAudioEncoder::create(config);
  EXPECT_TRUE(encoder.ok());
  std::vector<ToneGenerator> gens;
  for (uint32_t f : signal.tones)
    gens.push_back(*ToneGenerator::create(f, 48000, signal.amplitude));
  const size_t n = 48 * static_cast<size_t>(frame_ms);
  std::vector<int16_t> pcm(n), part(n);
  std::array<uint8_t, kOpusMaxPacketSize> out{};
  Packets packets;
  for (int t = 0; t < total_ms; t += frame_ms) {
    std::fill(pcm.begin(), pcm.end(), int16_t{0});
    for (auto& g : gens) {
      g.generate(part);
      for (size_t i = 0; i < n; ++i) pcm[i] = static_cast<int16_t>(pcm[i] + part[i]);
    }
    auto r = encoder->encode(pcm, out);
    EXPECT_TRUE(r.ok()) << r.describe();
    packets.emplace_back(out.begin(), out.begin() + static_cast<long>(*r));
  }
  return packets;
}

// Drains every 20 ms frame, decoding it with spandsp into `pcm`; returns the frame count.
size_t drain(OpusToG711& t, G711Law law, std::vector<int16_t>& pcm) {
  std::array<uint8_t, kG711FrameSamples> frame{};
  size_t frames = 0;
  while (t.pop_frame(frame)) {
    ++frames;
    for (uint8_t c : frame) {
      pcm.push_back(law == G711Law::kUlaw ? ulaw_to_linear(c) : alaw_to_linear(c));
    }
  }
  return frames;
}

double dbfs(double amplitude) { return 20 * std::log10(amplitude); }

struct FrameCase {
  int frame_ms;
  G711Law law;
};

class OpusToG711Frames : public testing::TestWithParam<FrameCase> {};

TEST_P(OpusToG711Frames, ToneAndMixSurviveAsContinuous20msG711) {
  const auto [frame_ms, law] = GetParam();
  for (const Signal& signal : {Signal{{1000}, 0.5}, Signal{{697, 1209}, 0.25}}) {
    const Packets packets = browser_opus(signal, frame_ms, 1200);
    auto t = OpusToG711::create(law);
    ASSERT_TRUE(t.ok());
    std::vector<int16_t> pcm;
    size_t frames = 0;
    for (const auto& p : packets) {
      auto r = t->decode(p);
      ASSERT_TRUE(r.ok()) << r.describe();
      ASSERT_EQ(*r, 8u * static_cast<unsigned>(frame_ms));
      frames += drain(*t, law, pcm);
    }
    EXPECT_EQ(frames, 1200u / 20);  // every 8 kHz sample came out, in whole 20 ms frames
    const auto body = std::span(pcm).subspan(1600);  // past the encoder's start-up
    for (uint32_t f : signal.tones) {
      const auto m = measure_tone(body, 8000, f - 100.0, f + 100.0);
      EXPECT_NEAR(m.frequency_hz, f, 2.0) << frame_ms << " ms, " << f << " Hz";
      EXPECT_NEAR(dbfs(m.amplitude), dbfs(signal.amplitude), 2.0) << frame_ms << " ms, " << f;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, OpusToG711Frames,
    testing::Values(FrameCase{10, G711Law::kUlaw}, FrameCase{20, G711Law::kUlaw},
                    FrameCase{40, G711Law::kUlaw}, FrameCase{60, G711Law::kUlaw},
                    FrameCase{20, G711Law::kAlaw}, FrameCase{60, G711Law::kAlaw}));

// What the PBX sends: 20 ms G.711 frames, encoded by spandsp.
std::vector<uint8_t> pbx_g711(G711Law law, ToneGenerator* gens, size_t count) {
  std::array<int16_t, kG711FrameSamples> pcm{}, part{};
  for (size_t k = 0; k < count; ++k) {
    gens[k].generate(part);
    for (size_t i = 0; i < pcm.size(); ++i) {
      pcm[i] = static_cast<int16_t>((k == 0 ? 0 : pcm[i]) + part[i]);
    }
  }
  std::vector<uint8_t> out(pcm.size());
  for (size_t i = 0; i < pcm.size(); ++i) {
    out[i] = law == G711Law::kUlaw ? linear_to_ulaw(pcm[i]) : linear_to_alaw(pcm[i]);
  }
  return out;
}

class G711ToOpusLaws : public testing::TestWithParam<G711Law> {};

TEST_P(G711ToOpusLaws, ToneAndMixSurviveAndBrowserDecodesThem) {
  const G711Law law = GetParam();
  for (const Signal& signal : {Signal{{1000}, 0.5}, Signal{{697, 1209}, 0.25}}) {
    G711ToOpusConfig config;
    config.law = law;
    auto t = G711ToOpus::create(config);
    auto browser = OpusAudioDecoder::create(48000);
    ASSERT_TRUE(t.ok() && browser.ok());
    std::vector<ToneGenerator> gens;
    for (uint32_t f : signal.tones) {
      gens.push_back(*ToneGenerator::create(f, 8000, signal.amplitude));
    }
    std::array<uint8_t, kOpusMaxPacketSize> packet{};
    std::vector<int16_t> frame(kOpusMaxFrameSamples), all;
    for (int k = 0; k < 60; ++k) {
      const auto g711 = pbx_g711(law, gens.data(), gens.size());
      auto n = t->encode(g711, packet);
      ASSERT_TRUE(n.ok()) << n.describe();
      auto d = browser->decode(std::span(packet).first(*n), frame);
      ASSERT_TRUE(d.ok()) << d.describe();
      ASSERT_EQ(*d, 960u);  // 20 ms at 48 kHz: 960 RTP ticks = g711_ticks_to_opus(160)
      all.insert(all.end(), frame.begin(), frame.begin() + 960);
    }
    const auto body = std::span(all).subspan(9600);
    for (uint32_t f : signal.tones) {
      const auto m = measure_tone(body, 48000, f - 100.0, f + 100.0);
      EXPECT_NEAR(m.frequency_hz, f, 2.0) << f;
      EXPECT_NEAR(dbfs(m.amplitude), dbfs(signal.amplitude), 2.0) << f;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Laws, G711ToOpusLaws, testing::Values(G711Law::kUlaw, G711Law::kAlaw));

static_assert(g711_ticks_to_opus(kG711FrameSamples) == 960);
static_assert(opus_ticks_to_g711(960) == kG711FrameSamples);

// Energy of a - b relative to a, in dB (higher is a closer match).
double snr_db(std::span<const int16_t> ref, std::span<const int16_t> got) {
  double signal = 0, noise = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    signal += double(ref[i]) * ref[i];
    const double e = double(ref[i]) - got[i];
    noise += e * e;
  }
  return 10 * std::log10(signal / std::max(noise, 1.0));
}

// Frame index `lost` of a stream whose tone jumps from 1000 Hz to 600 Hz exactly at that frame:
// PLC can only extrapolate the 1000 Hz past, the FEC copy in the next packet knows the 600 Hz.
std::vector<int16_t> recovered_frame(const Packets& packets, size_t lost, bool fec) {
  auto t = OpusToG711::create(G711Law::kUlaw);
  EXPECT_TRUE(t.ok());
  std::vector<int16_t> pcm;
  for (size_t i = 0; i < packets.size(); ++i) {
    if (i == lost) {
      EXPECT_TRUE(
          t->conceal(fec ? std::span<const uint8_t>(packets[i + 1]) : std::span<const uint8_t>{})
              .ok());
    } else {
      EXPECT_TRUE(t->decode(packets[i]).ok());
    }
    drain(*t, G711Law::kUlaw, pcm);
  }
  EXPECT_EQ(pcm.size(), packets.size() * kG711FrameSamples);
  return std::vector<int16_t>(pcm.begin() + static_cast<long>(lost * kG711FrameSamples),
                              pcm.begin() + static_cast<long>((lost + 1) * kG711FrameSamples));
}

TEST(OpusToG711, SingleLossRebuiltFromFecBeatsPlc) {
  // One encoder across the jump, so its LBRR copy of frame kJump rides in packet kJump + 1.
  OpusEncoderConfig config;
  config.expected_loss_percent = 20;
  auto encoder = OpusAudioEncoder::create(config);
  auto a = ToneGenerator::create(1000, 48000, 0.5);
  auto b = ToneGenerator::create(600, 48000, 0.5);
  ASSERT_TRUE(encoder.ok() && a.ok() && b.ok());
  Packets packets;
  std::array<int16_t, 960> pcm{};
  std::array<uint8_t, kOpusMaxPacketSize> out{};
  constexpr size_t kJump = 30;
  for (size_t k = 0; k < 50; ++k) {
    (k < kJump ? *a : *b).generate(pcm);
    auto n = encoder->encode(pcm, out);
    ASSERT_TRUE(n.ok());
    packets.emplace_back(out.begin(), out.begin() + static_cast<long>(*n));
  }
  auto reference = OpusToG711::create(G711Law::kUlaw);
  ASSERT_TRUE(reference.ok());
  std::vector<int16_t> clean;
  for (const auto& p : packets) {
    ASSERT_TRUE(reference->decode(p).ok());
    drain(*reference, G711Law::kUlaw, clean);
  }
  const auto ref = std::span(clean).subspan(kJump * kG711FrameSamples, kG711FrameSamples);
  const auto with_fec = recovered_frame(packets, kJump, true);
  const auto plc_only = recovered_frame(packets, kJump, false);
  const double fec_snr = snr_db(ref, with_fec);
  const double plc_snr = snr_db(ref, plc_only);
  EXPECT_GT(fec_snr, plc_snr + 6.0) << "fec " << fec_snr << " dB, plc " << plc_snr << " dB";
  // The rebuilt frame carries the new tone and a level near the original's.
  const auto m = measure_tone(with_fec, 8000, 300, 1500);
  EXPECT_NEAR(m.frequency_hz, 600.0, 40.0);  // one 20 ms frame: coarse resolution
  EXPECT_NEAR(m.rms_dbfs, measure_tone(ref, 8000, 300, 1500).rms_dbfs, 3.0);
}

TEST(OpusToG711, BurstLossAndEmptyPayloadsStayContinuous) {
  for (int frame_ms : {10, 20, 40, 60}) {
    const Packets packets = browser_opus(Signal{{1000}, 0.5}, frame_ms, 1200);
    auto t = OpusToG711::create(G711Law::kAlaw);
    ASSERT_TRUE(t.ok());
    std::vector<int16_t> pcm;
    size_t samples = 0;
    for (size_t i = 0; i < packets.size(); ++i) {
      FrameResult r = FrameResult::success(0);
      if (i % 10 >= 5 && i % 10 < 8) {
        // Three in a row lost: PLC for the first two, FEC from the next packet for the last.
        r = t->conceal(i % 10 == 7 ? std::span<const uint8_t>(packets[i + 1])
                                   : std::span<const uint8_t>{});
      } else if (i % 10 == 9) {
        r = t->decode({});  // an empty payload (DTX gap): concealed as a lost packet
      } else {
        r = t->decode(packets[i]);
      }
      ASSERT_TRUE(r.ok()) << r.describe();
      EXPECT_EQ(*r, 8u * static_cast<unsigned>(frame_ms)) << i;
      samples += *r;
      drain(*t, G711Law::kAlaw, pcm);
    }
    EXPECT_EQ(samples, 1200u * 8);
    EXPECT_EQ(pcm.size(), 1200u * 8) << frame_ms;  // 60 whole 20 ms frames, nothing missing
    // Concealment keeps the tone going rather than dropping to silence.
    const auto m = measure_tone(std::span(pcm).subspan(1600), 8000, 500, 1500);
    EXPECT_NEAR(m.frequency_hz, 1000.0, 5.0) << frame_ms;
  }
}

TEST(OpusToG711, DtxPacketsDecodeTo20msOfNearSilence) {
  OpusEncoderConfig config;
  config.dtx = true;
  auto encoder = OpusAudioEncoder::create(config);
  auto t = OpusToG711::create(G711Law::kUlaw);
  ASSERT_TRUE(encoder.ok() && t.ok());
  std::array<int16_t, 960> silence{};
  std::array<uint8_t, kOpusMaxPacketSize> out{};
  std::vector<int16_t> pcm;
  size_t dtx_packets = 0;
  for (int k = 0; k < 100; ++k) {
    auto n = encoder->encode(silence, out);
    ASSERT_TRUE(n.ok());
    if (*n <= 2) ++dtx_packets;  // a DTX frame: TOC only, no audio data
    auto r = t->decode(std::span(out).first(*n));
    ASSERT_TRUE(r.ok()) << r.describe();
    EXPECT_EQ(*r, kG711FrameSamples);
    drain(*t, G711Law::kUlaw, pcm);
  }
  EXPECT_GT(dtx_packets, 50u);  // the encoder really went into DTX
  EXPECT_EQ(pcm.size(), 100 * kG711FrameSamples);
  EXPECT_LT(measure_tone(pcm, 8000).rms_dbfs, -60.0);
}

TEST(Transcoder, BadInputIsAnErrorAndAddsNothing) {
  auto t = OpusToG711::create(G711Law::kUlaw);
  ASSERT_TRUE(t.ok());
  const std::array<uint8_t, 2> invalid = {0x03, 0x00};  // code 3, zero frames: RFC 6716 §3.2.5
  EXPECT_FALSE(t->decode(invalid).ok());
  EXPECT_EQ(t->frames_ready(), 0u);
  // A garbage "next" packet: the loss is still filled, by PLC.
  auto r = t->conceal(invalid);
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(*r, kG711FrameSamples);
  std::array<uint8_t, 10> small{};
  EXPECT_FALSE(t->pop_frame(small));
  // Undrained frames pile up to a limit, then conceal() refuses instead of overrunning.
  bool refused = false;
  for (int i = 0; i < 20 && !refused; ++i) refused = !t->conceal().ok();
  EXPECT_TRUE(refused);

  auto e = G711ToOpus::create({});
  ASSERT_TRUE(e.ok());
  std::array<uint8_t, kOpusMaxPacketSize> out{};
  std::array<uint8_t, 80> ten_ms{};
  EXPECT_FALSE(e->encode(ten_ms, out).ok());
  G711ToOpusConfig bad;
  bad.bitrate = 100;
  EXPECT_FALSE(G711ToOpus::create(bad).ok());
}

TEST(Transcoder, LostG711BecomesSilentOpusFrames) {
  auto t = G711ToOpus::create({});
  auto browser = OpusAudioDecoder::create(48000);
  ASSERT_TRUE(t.ok() && browser.ok());
  std::array<uint8_t, kOpusMaxPacketSize> packet{};
  std::vector<int16_t> frame(kOpusMaxFrameSamples);
  for (int k = 0; k < 20; ++k) {
    auto n = t->encode_lost(packet);
    ASSERT_TRUE(n.ok());
    auto d = browser->decode(std::span(packet).first(*n), frame);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, 960u);
    for (size_t i = 0; i < *d; ++i) ASSERT_LT(std::abs(frame[i]), 64) << k;
  }
}

TEST(Transcoder, PerPacketPathAllocatesNothing) {
  if (!test::malloc_counting_available()) GTEST_SKIP() << "no malloc hook";
  const Packets packets = browser_opus(Signal{{1000}, 0.5}, 20, 400);
  const long hook_check = test::malloc_calls();
  auto down = OpusToG711::create(G711Law::kUlaw);
  auto up = G711ToOpus::create({});
  ASSERT_TRUE(down.ok() && up.ok());
  ASSERT_GT(test::malloc_calls(), hook_check);  // the hook does see libopus's create-time malloc
  std::array<uint8_t, kG711FrameSamples> g711{};
  std::array<uint8_t, kOpusMaxPacketSize> opus{};
  const long before = test::malloc_calls();
  for (size_t i = 0; i < packets.size(); ++i) {
    const bool ok = (i % 7 == 3)   ? down->conceal(packets[i + 1]).ok()
                    : (i % 7 == 5) ? down->conceal().ok()
                                   : down->decode(packets[i]).ok();
    ASSERT_TRUE(ok);
    while (down->pop_frame(g711)) {
      ASSERT_TRUE((i % 5 == 2 ? up->encode_lost(opus) : up->encode(g711, opus)).ok());
    }
  }
  EXPECT_EQ(test::malloc_calls() - before, 0);
}

}  // namespace
}  // namespace tandem::codec
