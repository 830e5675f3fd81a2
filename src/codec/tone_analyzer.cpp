#include "codec/tone_analyzer.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace tandem::codec {

namespace {

constexpr size_t kCoarseSamples = 4096;
constexpr size_t kMinSamples = 64;

}  // namespace

double goertzel_power(std::span<const int16_t> pcm, uint32_t sample_rate,
                      double frequency_hz) noexcept {
  if (pcm.size() < 2 || sample_rate == 0) return 0;
  const double w = 2.0 * std::numbers::pi * frequency_hz / sample_rate;
  const double coeff = 2.0 * std::cos(w);
  // Hann window 0.5 - 0.5 cos(2π i / (n - 1)), its cosine advanced by the Chebyshev recurrence
  // cos((i + 1) t) = 2 cos(t) cos(i t) - cos((i - 1) t) rather than one cos() per sample.
  const double t = 2.0 * std::numbers::pi / static_cast<double>(pcm.size() - 1);
  const double window_coeff = 2.0 * std::cos(t);
  double cos_prev = std::cos(-t);
  double cos_cur = 1.0;
  double s1 = 0;
  double s2 = 0;
  for (int16_t sample : pcm) {
    const double s0 = sample * (0.5 - 0.5 * cos_cur) + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
    const double cos_next = window_coeff * cos_cur - cos_prev;
    cos_prev = cos_cur;
    cos_cur = cos_next;
  }
  return std::max(0.0, s1 * s1 + s2 * s2 - coeff * s1 * s2);
}

ToneMeasurement measure_tone(std::span<const int16_t> pcm, uint32_t sample_rate, double min_hz,
                             double max_hz) noexcept {
  ToneMeasurement m;
  if (pcm.size() < kMinSamples || sample_rate == 0) return m;
  const double nyquist = sample_rate / 2.0;
  if (max_hz <= 0 || max_hz > nyquist) max_hz = nyquist;
  min_hz = std::max(min_hz, 1.0);
  if (min_hz >= max_hz) return m;

  double energy = 0;
  for (int16_t s : pcm) energy += static_cast<double>(s) * s;
  const double mean_square = energy / static_cast<double>(pcm.size());
  if (mean_square <= 0) return m;
  m.rms_dbfs = 10.0 * std::log10(mean_square / (32768.0 * 32768.0));

  // Coarse: one evaluation per bin of the shorter block; the Hann main lobe spans ±2 bins, so
  // the peak cannot fall between evaluations.
  const auto coarse = pcm.first(std::min(pcm.size(), kCoarseSamples));
  const double coarse_bin = static_cast<double>(sample_rate) / static_cast<double>(coarse.size());
  double best_f = min_hz;
  double best_p = -1;
  const auto coarse_steps = static_cast<int>((max_hz - min_hz) / coarse_bin);
  for (int i = 0; i <= coarse_steps; ++i) {
    const double f = min_hz + i * coarse_bin;
    const double p = goertzel_power(coarse, sample_rate, f);
    if (p > best_p) {
      best_p = p;
      best_f = f;
    }
  }
  // Fine: golden-section search for the maximum over the whole block within ±1 coarse bin
  // (unimodal there: the main lobe of the longer block is narrower still).
  double lo = std::max(min_hz, best_f - coarse_bin);
  double hi = std::min(max_hz, best_f + coarse_bin);
  // Start from the best fine-bin sample so the search cannot lock onto a side lobe.
  const double fine_bin = static_cast<double>(sample_rate) / static_cast<double>(pcm.size());
  double fine_best = best_f;
  double fine_p = -1;
  const auto fine_steps = static_cast<int>((hi - lo) / (fine_bin / 2));
  for (int i = 0; i <= fine_steps; ++i) {
    const double f = lo + i * (fine_bin / 2);
    const double p = goertzel_power(pcm, sample_rate, f);
    if (p > fine_p) {
      fine_p = p;
      fine_best = f;
    }
  }
  lo = std::max(min_hz, fine_best - fine_bin / 2);
  hi = std::min(max_hz, fine_best + fine_bin / 2);
  const double ratio = (std::sqrt(5.0) - 1) / 2;
  double a = hi - ratio * (hi - lo);
  double b = lo + ratio * (hi - lo);
  double pa = goertzel_power(pcm, sample_rate, a);
  double pb = goertzel_power(pcm, sample_rate, b);
  for (int i = 0; i < 40 && hi - lo > 1e-4; ++i) {
    if (pa < pb) {
      lo = a;
      a = b;
      pa = pb;
      b = lo + ratio * (hi - lo);
      pb = goertzel_power(pcm, sample_rate, b);
    } else {
      hi = b;
      b = a;
      pb = pa;
      a = hi - ratio * (hi - lo);
      pa = goertzel_power(pcm, sample_rate, a);
    }
  }
  m.frequency_hz = (lo + hi) / 2;
  const double peak_power = goertzel_power(pcm, sample_rate, m.frequency_hz);
  // A sine of amplitude A gives |X| = A * N / 4 through a Hann window (coherent gain 1/2).
  m.amplitude = 4.0 * std::sqrt(peak_power) / static_cast<double>(pcm.size()) / 32768.0;
  const double tone_power = m.amplitude * 32768.0 * m.amplitude * 32768.0 / 2.0;
  m.purity = std::min(1.0, tone_power / mean_square);
  return m;
}

}  // namespace tandem::codec
