// A certificate fingerprint as SDP carries it (RFC 8122 §5: a=fingerprint:<hash-func> <hex
// pairs separated by colons>), parsed, computed over a certificate's DER, and compared.
#pragma once

#include <openssl/x509.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace tandem::dtls {

class Fingerprint {
 public:
  // RFC 8122 §5 hash functions we accept. md5 and sha-224 are not offered by any browser.
  enum class Algorithm : uint8_t { kSha1, kSha256, kSha384, kSha512 };

  // "sha-256" etc., case-insensitive (RFC 8122 §5: "SHA-256" appears in the wild).
  static std::optional<Algorithm> algorithm_from_name(std::string_view name) noexcept;
  static std::string_view algorithm_name(Algorithm algorithm) noexcept;

  // value: "AB:CD:..." with exactly the digest length of the algorithm; hex in either case.
  static Result<Fingerprint> parse(std::string_view algorithm, std::string_view value);
  // The digest over the certificate's DER encoding (RFC 8122 §5).
  static Result<Fingerprint> of(const X509* certificate, Algorithm algorithm);

  Algorithm algorithm() const noexcept { return algorithm_; }
  std::string_view algorithm_name() const noexcept { return algorithm_name(algorithm_); }
  std::span<const uint8_t> digest() const noexcept { return {digest_.data(), size_}; }
  // Upper-case hex pairs joined by ':' (the form browsers emit).
  std::string to_string() const;

  bool operator==(const Fingerprint& other) const noexcept;

 private:
  Fingerprint(Algorithm algorithm, std::span<const uint8_t> digest) noexcept;

  Algorithm algorithm_;
  uint8_t size_;
  std::array<uint8_t, 64> digest_{};
};

}  // namespace tandem::dtls
