// Small text helpers shared by the protocol parsers: ASCII case folding, trimming, integers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tandem {

constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

// ASCII case-insensitive equality (protocol tokens are ASCII).
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

std::string to_lower(std::string_view s);

// Strips spaces and horizontal tabs (and CR/LF) at both ends.
std::string_view trim(std::string_view s);

// Parses a non-negative decimal integer that must span the whole input (leading zeros allowed,
// no sign, no spaces). Empty result on overflow or any other character.
std::optional<uint64_t> parse_uint(std::string_view s, uint64_t max = UINT64_MAX);

}  // namespace tandem
