// Internal tokenizing helpers shared by the SDP parsers (not part of the public API).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace tandem::sdp::detail {

// A space-separated field and its 0-based offset in the text it was cut from.
struct Token {
  std::string_view text;
  size_t offset = 0;
};

// Splits on runs of spaces (and tabs): sloppy peers double spaces, browsers never do.
std::vector<Token> split_fields(std::string_view text);

// Cuts off the first space-separated field; `rest` gets what follows its separator run.
std::string_view next_field(std::string_view& rest);

// RFC 8866 token characters (att-field, bwtype, nettype, ...).
bool is_token_char(char c);
bool is_token(std::string_view s);

// True if `s` has no NUL, CR or LF: the byte-string rule for values that are kept verbatim.
bool is_byte_string(std::string_view s);

std::optional<uint8_t> parse_u8(std::string_view s, uint8_t max = UINT8_MAX);
std::optional<uint16_t> parse_u16(std::string_view s, uint16_t max = UINT16_MAX);
std::optional<uint32_t> parse_u32(std::string_view s, uint32_t max = UINT32_MAX);

}  // namespace tandem::sdp::detail
