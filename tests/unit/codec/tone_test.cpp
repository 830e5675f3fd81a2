// ToneGenerator and the Goertzel measurer, each checked against independent arithmetic.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "codec/tone_analyzer.hpp"
#include "codec/tone_generator.hpp"

namespace tandem::codec {
namespace {

std::vector<int16_t> sine(double f, uint32_t rate, double amplitude, size_t n) {
  std::vector<int16_t> v(n);
  for (size_t i = 0; i < n; ++i) {
    v[i] = static_cast<int16_t>(
        std::lround(amplitude * 32767 * std::sin(2 * std::numbers::pi * f * i / rate + 0.3)));
  }
  return v;
}

TEST(ToneAnalyzer, MeasuresIndependentSines) {
  for (uint32_t rate : {8000u, 16000u, 48000u}) {
    for (double f : {440.0, 1000.0, 1234.5, 3000.25}) {
      const auto pcm = sine(f, rate, 0.25, rate);  // 1 s
      const auto m = measure_tone(pcm, rate, 50, 4000);
      EXPECT_NEAR(m.frequency_hz, f, 0.05) << rate << " " << f;
      EXPECT_NEAR(m.amplitude, 0.25, 0.005) << rate << " " << f;
      EXPECT_NEAR(m.rms_dbfs, 20 * std::log10(0.25 / std::sqrt(2.0)), 0.05);
      EXPECT_GT(m.purity, 0.98);
    }
  }
}

TEST(ToneAnalyzer, PicksStrongerOfTwoAndFlagsNoise) {
  auto a = sine(697, 8000, 0.1, 8000);
  const auto b = sine(1633, 8000, 0.3, 8000);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<int16_t>(a[i] + b[i]);
  const auto m = measure_tone(a, 8000);
  EXPECT_NEAR(m.frequency_hz, 1633, 0.1);
  EXPECT_NEAR(m.purity, 0.9, 0.02);  // 0.3² / (0.3² + 0.1²)

  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0, 3000);
  std::vector<int16_t> n(8000);
  for (auto& s : n) s = static_cast<int16_t>(noise(rng));
  EXPECT_LT(measure_tone(n, 8000).purity, 0.05);
}

TEST(ToneAnalyzer, DegenerateInput) {
  const std::vector<int16_t> silence(8000, 0);
  EXPECT_EQ(measure_tone(silence, 8000).frequency_hz, 0);
  const std::vector<int16_t> tiny(10, 1000);
  EXPECT_EQ(measure_tone(tiny, 8000).frequency_hz, 0);
  EXPECT_EQ(measure_tone(sine(1000, 8000, 0.5, 800), 0).frequency_hz, 0);
}

TEST(ToneGenerator, ExactAndPhaseContinuous) {
  for (uint32_t rate : {8000u, 48000u}) {
    auto whole = ToneGenerator::create(1000, rate, 0.5);
    auto chunked = ToneGenerator::create(1000, rate, 0.5);
    ASSERT_TRUE(whole.ok() && chunked.ok());
    std::vector<int16_t> a(rate * 2);
    whole->generate(a);
    std::vector<int16_t> b(a.size());
    // Odd chunk sizes: frame boundaries must not disturb the waveform.
    size_t at = 0;
    for (size_t chunk = 7; at < b.size(); chunk = chunk == 7 ? 13 : 7) {
      const size_t n = std::min(chunk, b.size() - at);
      chunked->generate(std::span(b).subspan(at, n));
      at += n;
    }
    EXPECT_EQ(a, b);
    // The period is exactly rate / 1000 samples, forever.
    const size_t period = rate / 1000;
    for (size_t i = 0; i + period < a.size(); ++i) ASSERT_EQ(a[i], a[i + period]) << i;
    // And the values are the sine itself.
    for (size_t i = 0; i < period; ++i) {
      EXPECT_EQ(a[i],
                std::lround(0.5 * 32767 * std::sin(2 * std::numbers::pi * 1000.0 * i / rate)));
    }
    const auto m = measure_tone(std::span(a).first(rate), rate, 50, 4000);
    EXPECT_NEAR(m.frequency_hz, 1000.0, 0.01);
    EXPECT_NEAR(m.amplitude, 0.5, 0.005);
  }
}

TEST(ToneGenerator, RejectsBadParameters) {
  EXPECT_FALSE(ToneGenerator::create(0, 8000, 0.5).ok());
  EXPECT_FALSE(ToneGenerator::create(4000, 8000, 0.5).ok());  // Nyquist
  EXPECT_FALSE(ToneGenerator::create(1000, 8000, 0.0).ok());
  EXPECT_FALSE(ToneGenerator::create(1000, 8000, 1.5).ok());
  EXPECT_FALSE(ToneGenerator::create(1000, 0, 0.5).ok());
}

}  // namespace
}  // namespace tandem::codec
