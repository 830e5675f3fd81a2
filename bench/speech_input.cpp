#include "speech_input.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <numbers>

namespace tandem::bench {

namespace {

uint32_t le32(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | uint32_t{p[3]} << 24; }
uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

// The samples of a RIFF/WAVE file if it is 8 kHz 16-bit mono PCM; empty otherwise.
std::vector<int16_t> read_wav_8k_mono(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
  if (bytes.size() < 12 || std::memcmp(bytes.data(), "RIFF", 4) != 0 ||
      std::memcmp(bytes.data() + 8, "WAVE", 4) != 0) {
    return {};
  }
  bool format_ok = false;
  for (size_t at = 12; at + 8 <= bytes.size();) {
    const uint8_t* chunk = bytes.data() + at;
    const size_t size = le32(chunk + 4);
    const size_t body = at + 8;
    if (size > bytes.size() - body) break;
    if (std::memcmp(chunk, "fmt ", 4) == 0 && size >= 16) {
      const uint8_t* f = bytes.data() + body;
      format_ok = le16(f) == 1 && le16(f + 2) == 1 && le32(f + 4) == 8000 && le16(f + 14) == 16;
    } else if (std::memcmp(chunk, "data", 4) == 0 && format_ok) {
      std::vector<int16_t> pcm(size / 2);
      for (size_t i = 0; i < pcm.size(); ++i) {
        pcm[i] = static_cast<int16_t>(le16(bytes.data() + body + 2 * i));
      }
      return pcm;
    }
    at = body + size + (size & 1);
  }
  return {};
}

// 8 kHz -> 48 kHz: linear interpolation. The images it leaves above 4 kHz are weak and only make
// the browser-side encode (untimed) a little busier; the gateway's work does not depend on them.
std::vector<int16_t> upsample6(const std::vector<int16_t>& pcm8) {
  std::vector<int16_t> out(pcm8.size() * 6);
  for (size_t i = 0; i < pcm8.size(); ++i) {
    const int a = pcm8[i];
    const int b = i + 1 < pcm8.size() ? pcm8[i + 1] : a;
    for (int k = 0; k < 6; ++k) out[6 * i + k] = static_cast<int16_t>(a + (b - a) * k / 6);
  }
  return out;
}

// Deterministic speech-like signal at `rate`: a voiced harmonic series with a gliding pitch and
// formant-like weighting, syllable-rate amplitude modulation, unvoiced noise bursts and pauses.
std::vector<int16_t> speechlike(uint32_t rate, size_t seconds) {
  std::vector<int16_t> pcm(rate * seconds);
  uint32_t noise = 12345;
  double phase = 0;
  for (size_t i = 0; i < pcm.size(); ++i) {
    const double t = static_cast<double>(i) / rate;
    const double syllable = std::fmod(t, 0.25) / 0.25;  // 4 syllables per second
    const bool pause = std::fmod(t, 3.0) > 2.4;         // 600 ms of silence every 3 s
    const bool unvoiced = syllable > 0.8;
    const double envelope = pause ? 0 : std::sin(std::numbers::pi * syllable);
    const double f0 = 140 + 40 * std::sin(2 * std::numbers::pi * 0.7 * t);
    phase += 2 * std::numbers::pi * f0 / rate;
    double v = 0;
    if (unvoiced) {
      noise = noise * 1103515245 + 12345;
      v = (static_cast<double>((noise >> 16) & 0x7fff) / 16384.0 - 1.0) * 0.3;
    } else {
      for (int h = 1; h * f0 < std::min(3800.0, rate / 2.0); ++h) {
        const double f = h * f0;  // formant-ish peaks near 500 and 1500 Hz
        const double w = std::exp(-std::pow((f - 500) / 300, 2)) +
                         0.5 * std::exp(-std::pow((f - 1500) / 400, 2)) + 0.05;
        v += w * std::sin(h * phase) / h;
      }
    }
    pcm[i] = static_cast<int16_t>(std::clamp(v * envelope * 8000, -32767.0, 32767.0));
  }
  return pcm;
}

}  // namespace

SpeechInput load_speech(const std::filesystem::path& dir, size_t seconds) {
  const size_t wanted = seconds * 8000;
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".wav") files.push_back(entry.path());
  }
  std::ranges::sort(files);
  SpeechInput input;
  size_t used = 0;
  for (const auto& file : files) {
    if (input.pcm8.size() >= wanted) break;
    const auto pcm = read_wav_8k_mono(file);
    if (pcm.empty()) continue;
    input.pcm8.insert(input.pcm8.end(), pcm.begin(), pcm.end());
    ++used;
  }
  if (input.pcm8.size() >= wanted) {
    input.pcm8.resize(wanted);
    input.description =
        "recorded speech (" + std::to_string(used) + " prompts from " + dir.string() + ")";
  } else {
    input.pcm8 = speechlike(8000, seconds);
    input.description = "synthetic speech-like audio (no recorded speech in " + dir.string() +
                        "; install asterisk-core-sounds-en-wav)";
  }
  input.pcm48 = upsample6(input.pcm8);
  return input;
}

}  // namespace tandem::bench
