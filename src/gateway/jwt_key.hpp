// A JWT signing or verification key bound to exactly one algorithm (RFC 7518 §3): an HS256
// shared secret, or an RS256 (RSA >= 2048 bits) / ES256 (EC P-256) key loaded from PEM. Binding
// the algorithm to the key is what defeats "alg: none" and HS/RS confusion: a token is checked
// only with the key configured for the algorithm its header names.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace tandem::gateway {

enum class JwtAlgorithm { kHs256, kRs256, kEs256 };

// "HS256", "RS256", "ES256".
std::string_view to_string(JwtAlgorithm alg);
// Exact (case-sensitive, as RFC 7515 §4.1.1 says) match of one of the three names.
std::optional<JwtAlgorithm> parse_jwt_algorithm(std::string_view name);

class JwtKey {
 public:
  // RFC 7518 §3.2: an HS256 key must be at least 256 bits.
  static constexpr size_t kMinHmacSecret = 32;
  static constexpr int kMinRsaBits = 2048;

  static Result<JwtKey> hmac_secret(std::string_view secret);
  // A PEM "PUBLIC KEY" (SubjectPublicKeyInfo) of the algorithm's type.
  static Result<JwtKey> public_key_pem(JwtAlgorithm alg, std::string_view pem);
  // A PEM private key (PKCS#8, or traditional RSA/EC) of the algorithm's type, for minting.
  static Result<JwtKey> private_key_pem(JwtAlgorithm alg, std::string_view pem);

  JwtAlgorithm algorithm() const { return alg_; }
  bool can_sign() const { return alg_ == JwtAlgorithm::kHs256 || is_private_; }
  const std::vector<uint8_t>& secret() const { return secret_; }
  EVP_PKEY* pkey() const { return pkey_.get(); }

 private:
  struct PkeyFree {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
  };
  JwtKey(JwtAlgorithm alg, std::vector<uint8_t> secret, std::shared_ptr<EVP_PKEY> pkey,
         bool is_private)
      : alg_(alg), secret_(std::move(secret)), pkey_(std::move(pkey)), is_private_(is_private) {}
  static Result<JwtKey> from_pem(JwtAlgorithm alg, std::string_view pem, bool is_private);

  JwtAlgorithm alg_;
  std::vector<uint8_t> secret_;     // HS256
  std::shared_ptr<EVP_PKEY> pkey_;  // RS256, ES256 (shared: keys are immutable once loaded)
  bool is_private_ = false;
};

// Reads a whole (small) file: key files, secrets. The error names the path and errno's text.
Result<std::string> read_small_file(const std::string& path, size_t max_size = 1 << 20);

}  // namespace tandem::gateway
