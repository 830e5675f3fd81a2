#include "dtls/fingerprint.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

namespace tandem::dtls {
namespace {

const EVP_MD* digest_of(Fingerprint::Algorithm algorithm) noexcept {
  switch (algorithm) {
    case Fingerprint::Algorithm::kSha1:
      return EVP_sha1();
    case Fingerprint::Algorithm::kSha256:
      return EVP_sha256();
    case Fingerprint::Algorithm::kSha384:
      return EVP_sha384();
    case Fingerprint::Algorithm::kSha512:
      return EVP_sha512();
  }
  return nullptr;
}

size_t digest_size(Fingerprint::Algorithm algorithm) noexcept {
  return static_cast<size_t>(EVP_MD_get_size(digest_of(algorithm)));
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<Fingerprint::Algorithm> Fingerprint::algorithm_from_name(
    std::string_view name) noexcept {
  for (Algorithm algorithm :
       {Algorithm::kSha1, Algorithm::kSha256, Algorithm::kSha384, Algorithm::kSha512}) {
    if (iequals(name, algorithm_name(algorithm))) return algorithm;
  }
  return std::nullopt;
}

std::string_view Fingerprint::algorithm_name(Algorithm algorithm) noexcept {
  switch (algorithm) {
    case Algorithm::kSha1:
      return "sha-1";
    case Algorithm::kSha256:
      return "sha-256";
    case Algorithm::kSha384:
      return "sha-384";
    case Algorithm::kSha512:
      return "sha-512";
  }
  return "unknown";
}

Fingerprint::Fingerprint(Algorithm algorithm, std::span<const uint8_t> digest) noexcept
    : algorithm_(algorithm), size_(static_cast<uint8_t>(digest.size())) {
  std::memcpy(digest_.data(), digest.data(), digest.size());
}

Result<Fingerprint> Fingerprint::parse(std::string_view algorithm, std::string_view value) {
  std::optional<Algorithm> alg = algorithm_from_name(algorithm);
  if (!alg) {
    return Error{"unsupported fingerprint hash function '" + std::string(algorithm) +
                 "' (expected sha-1, sha-256, sha-384 or sha-512)"};
  }
  const size_t expected = digest_size(*alg);
  // "XX" then ":XX" per further byte.
  if (value.size() != expected * 3 - 1) {
    return Error{"malformed " + std::string(algorithm_name(*alg)) + " fingerprint: expected " +
                 std::to_string(expected) + " colon-separated hex bytes"};
  }
  std::array<uint8_t, 64> bytes{};
  for (size_t i = 0; i < expected; ++i) {
    const size_t at = i * 3;
    const int high = hex_value(value[at]);
    const int low = hex_value(value[at + 1]);
    if (high < 0 || low < 0 || (i + 1 < expected && value[at + 2] != ':')) {
      return Error{"malformed " + std::string(algorithm_name(*alg)) + " fingerprint at byte " +
                   std::to_string(i + 1)};
    }
    bytes[i] = static_cast<uint8_t>(high << 4 | low);
  }
  return Fingerprint(*alg, std::span<const uint8_t>(bytes.data(), expected));
}

Result<Fingerprint> Fingerprint::of(const X509* certificate, Algorithm algorithm) {
  std::array<uint8_t, EVP_MAX_MD_SIZE> bytes{};
  unsigned int length = 0;
  if (certificate == nullptr ||
      X509_digest(certificate, digest_of(algorithm), bytes.data(), &length) != 1) {
    return Error{"cannot compute the certificate fingerprint"};
  }
  return Fingerprint(algorithm, std::span<const uint8_t>(bytes.data(), length));
}

std::string Fingerprint::to_string() const {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string text;
  text.reserve(size_ * 3);
  for (size_t i = 0; i < size_; ++i) {
    if (i != 0) text.push_back(':');
    text.push_back(kHex[digest_[i] >> 4]);
    text.push_back(kHex[digest_[i] & 0x0f]);
  }
  return text;
}

bool Fingerprint::operator==(const Fingerprint& other) const noexcept {
  return algorithm_ == other.algorithm_ && size_ == other.size_ &&
         std::memcmp(digest_.data(), other.digest_.data(), size_) == 0;
}

}  // namespace tandem::dtls
