#include "gateway/base64.hpp"

#include <array>

namespace tandem::gateway {

namespace {

constexpr std::string_view kStandard =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::span<const uint8_t> data, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  const size_t rest = data.size() - i;
  if (rest == 0) return out;
  uint32_t v = uint32_t{data[i]} << 16;
  if (rest == 2) v |= uint32_t{data[i + 1]} << 8;
  out += alphabet[(v >> 18) & 63];
  out += alphabet[(v >> 12) & 63];
  if (rest == 2) out += alphabet[(v >> 6) & 63];
  if (pad) out.append(rest == 1 ? "==" : "=");
  return out;
}

constexpr std::array<int8_t, 256> url_table() {
  std::array<int8_t, 256> t{};
  for (auto& e : t) e = -1;
  for (size_t i = 0; i < kUrl.size(); ++i)
    t[static_cast<uint8_t>(kUrl[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr std::array<int8_t, 256> kUrlTable = url_table();

}  // namespace

std::string base64_encode(std::span<const uint8_t> data) { return encode(data, kStandard, true); }

std::string base64url_encode(std::span<const uint8_t> data) { return encode(data, kUrl, false); }

std::string base64url_encode(std::string_view data) {
  return base64url_encode(
      std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size()));  // NOLINT
}

std::optional<std::vector<uint8_t>> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::vector<uint8_t> out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    const int8_t v = kUrlTable[static_cast<uint8_t>(c)];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  if (acc != 0) return std::nullopt;  // non-zero leftover bits: not the canonical encoding
  return out;
}

}  // namespace tandem::gateway
