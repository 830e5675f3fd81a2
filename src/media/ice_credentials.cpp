#include "media/ice_credentials.hpp"

#include <openssl/rand.h>

#include <array>

namespace tandem::media {

namespace {

// RFC 8445 §5.3 ice-char: ALPHA / DIGIT / "+" / "/". 64 symbols, so a byte's low 6 bits map
// uniformly.
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static_assert(kAlphabet.size() == kMaxMediaWorkers);

Result<std::string> random_ice_string(size_t length, std::string prefix) {
  std::array<unsigned char, 64> bytes{};
  if (length > bytes.size()) return Error{"ICE credential too long"};
  if (RAND_bytes(bytes.data(), static_cast<int>(length)) != 1) {
    return Error{"no randomness for ICE credentials"};
  }
  std::string out = std::move(prefix);
  for (size_t i = 0; i < length; ++i) out += kAlphabet[bytes[i] & 63];
  return out;
}

}  // namespace

Result<std::string> make_local_ufrag(uint32_t worker) {
  if (worker >= kMaxMediaWorkers) return Error{"media worker index out of range for ICE ufrag"};
  return random_ice_string(kLocalUfragLength - 1, std::string(1, kAlphabet[worker]));
}

Result<std::string> make_local_pwd() { return random_ice_string(kLocalPwdLength, {}); }

std::optional<uint32_t> worker_of_ufrag(std::string_view ufrag) noexcept {
  if (ufrag.size() != kLocalUfragLength) return std::nullopt;
  const size_t index = kAlphabet.find(ufrag.front());
  if (index == std::string_view::npos) return std::nullopt;
  return static_cast<uint32_t>(index);
}

}  // namespace tandem::media
