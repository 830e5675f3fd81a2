#include "codec/tone_generator.hpp"

#include <cmath>
#include <numbers>
#include <numeric>
#include <string>

namespace tandem::codec {

Result<ToneGenerator> ToneGenerator::create(uint32_t frequency_hz, uint32_t sample_rate,
                                            double amplitude) {
  if (sample_rate == 0 || frequency_hz == 0 || uint64_t{frequency_hz} * 2 >= sample_rate) {
    return Error{"tone: frequency " + std::to_string(frequency_hz) +
                 " Hz must lie between 0 and half the sample rate " + std::to_string(sample_rate)};
  }
  if (!(amplitude > 0.0 && amplitude <= 1.0)) {
    return Error{"tone: amplitude must be in (0, 1]"};
  }
  return ToneGenerator(frequency_hz, sample_rate, amplitude);
}

ToneGenerator::ToneGenerator(uint32_t frequency, uint32_t sample_rate, double amplitude) noexcept
    : frequency_(frequency),
      sample_rate_(sample_rate),
      peak_(amplitude * 32767.0),
      period_(sample_rate / std::gcd(frequency, sample_rate)) {}

void ToneGenerator::generate(std::span<int16_t> pcm) noexcept {
  // sin(2π f n / rate) with n reduced modulo the period: the argument stays small and exact.
  const double step = 2.0 * std::numbers::pi * frequency_ / sample_rate_;
  for (int16_t& s : pcm) {
    s = static_cast<int16_t>(std::lround(peak_ * std::sin(step * static_cast<double>(index_))));
    if (++index_ == period_) index_ = 0;
  }
}

}  // namespace tandem::codec
