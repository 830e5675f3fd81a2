// Frequency and level of the dominant tone in a block of PCM, by Goertzel evaluation of the
// Hann-windowed signal: a coarse scan over the first 4096 samples finds the spectral peak, then a
// golden-section search over the whole block locates it to a small fraction of a bin. Used by
// tests (and a later in-band tone check) to prove that audio really is "1000 Hz at -6 dBFS";
// it is not meant for the packet path (cost grows with block length times frequency range).
#pragma once

#include <cstdint>
#include <span>

namespace tandem::codec {

struct ToneMeasurement {
  double frequency_hz = 0;  // of the strongest component in [min_hz, max_hz]
  double amplitude = 0;     // that component's peak amplitude, fraction of full scale
  double rms_dbfs = -200;   // level of the whole block (a full-scale sine is -3.01 dBFS)
  double purity = 0;        // power of the tone / total power (1.0 for a clean sine)
};

// Power of the Hann-windowed block at `frequency_hz` (any real frequency, not only bin centres).
double goertzel_power(std::span<const int16_t> pcm, uint32_t sample_rate,
                      double frequency_hz) noexcept;

// Finds the strongest tone between min_hz and max_hz (max_hz 0 means sample_rate / 2). Blocks of
// fewer than 64 samples, or silence, give a zero measurement.
ToneMeasurement measure_tone(std::span<const int16_t> pcm, uint32_t sample_rate, double min_hz = 50,
                             double max_hz = 0) noexcept;

}  // namespace tandem::codec
