// ToneGenerator: a phase-continuous sine at an exact frequency. The phase is kept as an integer
// sample index modulo the period of frequency/sample_rate in lowest terms (8 samples for 1000 Hz
// at 8 kHz, 48 at 48 kHz), so there is no accumulated rounding: after any number of frames the
// tone is still exactly on frequency and a frame boundary never shows as a click.
#pragma once

#include <cstdint>
#include <span>

#include "common/result.hpp"

namespace tandem::codec {

class ToneGenerator {
 public:
  // amplitude: peak as a fraction of full scale (0 < amplitude <= 1). frequency must lie in
  // (0, sample_rate / 2).
  static Result<ToneGenerator> create(uint32_t frequency_hz, uint32_t sample_rate,
                                      double amplitude);

  // Writes the next pcm.size() samples.
  void generate(std::span<int16_t> pcm) noexcept;

  uint32_t frequency() const noexcept { return frequency_; }
  uint32_t sample_rate() const noexcept { return sample_rate_; }

 private:
  ToneGenerator(uint32_t frequency, uint32_t sample_rate, double amplitude) noexcept;

  uint32_t frequency_;
  uint32_t sample_rate_;
  double peak_;
  uint64_t period_;  // samples after which the waveform repeats exactly
  uint64_t index_ = 0;
};

}  // namespace tandem::codec
