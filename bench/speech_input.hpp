// The transcoding benchmark's audio: recorded human speech when Debian's
// asterisk-core-sounds-en-wav is installed (a professional speaker's prompts, 8 kHz 16-bit mono
// WAV), a deterministic synthetic stand-in otherwise. Bench-only code: start-up, not timed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tandem::bench {

inline constexpr const char* kDefaultSpeechDir = "/usr/share/asterisk/sounds/en_US_f_Allison";

struct SpeechInput {
  std::vector<int16_t> pcm8;   // 8 kHz: what the PBX leg sends
  std::vector<int16_t> pcm48;  // the same at 48 kHz: what the browser's microphone gives Opus
  std::string description;     // for the report header
};

// `seconds` of audio: the WAV files of `dir` in name order, concatenated (files that are not
// 8 kHz 16-bit mono PCM are skipped); synthetic speech-like audio when there are none.
SpeechInput load_speech(const std::filesystem::path& dir, size_t seconds);

}  // namespace tandem::bench
