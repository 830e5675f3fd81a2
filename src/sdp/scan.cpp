#include "sdp/scan.hpp"

#include "common/text.hpp"

namespace tandem::sdp::detail {
namespace {

bool is_separator(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::vector<Token> split_fields(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_separator(text[i])) ++i;
    const size_t start = i;
    while (i < text.size() && !is_separator(text[i])) ++i;
    if (i > start) tokens.push_back({text.substr(start, i - start), start});
  }
  return tokens;
}

std::string_view next_field(std::string_view& rest) {
  size_t i = 0;
  while (i < rest.size() && is_separator(rest[i])) ++i;
  const size_t start = i;
  while (i < rest.size() && !is_separator(rest[i])) ++i;
  const std::string_view field = rest.substr(start, i - start);
  while (i < rest.size() && is_separator(rest[i])) ++i;
  rest.remove_prefix(i);
  return field;
}

// token-char from RFC 8866 §9: visible ASCII except these separators ('{' and '}' are allowed).
bool is_token_char(char c) {
  if (c <= 0x20 || c >= 0x7f) return false;
  switch (c) {
    case '"':
    case '(':
    case ')':
    case ',':
    case '/':
    case ':':
    case ';':
    case '<':
    case '=':
    case '>':
    case '?':
    case '@':
    case '[':
    case '\\':
    case ']':
      return false;
    default:
      return true;
  }
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_token_char(c)) return false;
  }
  return true;
}

bool is_byte_string(std::string_view s) {
  for (char c : s) {
    if (c == '\0' || c == '\r' || c == '\n') return false;
  }
  return true;
}

std::optional<uint8_t> parse_u8(std::string_view s, uint8_t max) {
  const auto value = parse_uint(s, max);
  if (!value) return std::nullopt;
  return static_cast<uint8_t>(*value);
}

std::optional<uint16_t> parse_u16(std::string_view s, uint16_t max) {
  const auto value = parse_uint(s, max);
  if (!value) return std::nullopt;
  return static_cast<uint16_t>(*value);
}

std::optional<uint32_t> parse_u32(std::string_view s, uint32_t max) {
  const auto value = parse_uint(s, max);
  if (!value) return std::nullopt;
  return static_cast<uint32_t>(*value);
}

}  // namespace tandem::sdp::detail
