// Base64 (RFC 4648 §4) for TURN REST passwords and base64url without padding (RFC 4648 §5,
// RFC 7515 §2) for JWT segments. Decoding is strict: a character outside the alphabet, padding
// or a length that cannot come from whole bytes is an error, so one token has one encoding.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::gateway {

std::string base64_encode(std::span<const uint8_t> data);
std::string base64url_encode(std::span<const uint8_t> data);
std::string base64url_encode(std::string_view data);

// Empty optional for anything that is not canonical unpadded base64url.
std::optional<std::vector<uint8_t>> base64url_decode(std::string_view text);

}  // namespace tandem::gateway
