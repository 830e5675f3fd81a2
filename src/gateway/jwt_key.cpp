#include "gateway/jwt_key.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <utility>

namespace tandem::gateway {

namespace {

struct BioFree {
  void operator()(BIO* b) const noexcept { BIO_free(b); }
};

std::string key_type_name(JwtAlgorithm alg) {
  return alg == JwtAlgorithm::kRs256 ? "an RSA key" : "an EC P-256 key";
}

// Checks that a loaded key fits the algorithm; empty string when it does.
std::string check_key_type(JwtAlgorithm alg, EVP_PKEY* pkey) {
  if (alg == JwtAlgorithm::kRs256) {
    if (!EVP_PKEY_is_a(pkey, "RSA")) return "RS256 needs an RSA key";
    const int bits = EVP_PKEY_get_bits(pkey);
    if (bits < JwtKey::kMinRsaBits) {
      return "RS256 needs an RSA key of at least 2048 bits, this one has " + std::to_string(bits);
    }
    return {};
  }
  if (!EVP_PKEY_is_a(pkey, "EC")) return "ES256 needs an EC P-256 key";
  char group[64] = {};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) !=
          1 ||
      (std::strcmp(group, "prime256v1") != 0 && std::strcmp(group, "P-256") != 0)) {
    return std::string("ES256 needs an EC key on P-256, this one is on ") +
           (group[0] ? group : "an unknown curve");
  }
  return {};
}

}  // namespace

std::string_view to_string(JwtAlgorithm alg) {
  switch (alg) {
    case JwtAlgorithm::kHs256:
      return "HS256";
    case JwtAlgorithm::kRs256:
      return "RS256";
    case JwtAlgorithm::kEs256:
      return "ES256";
  }
  return "?";
}

std::optional<JwtAlgorithm> parse_jwt_algorithm(std::string_view name) {
  if (name == "HS256") return JwtAlgorithm::kHs256;
  if (name == "RS256") return JwtAlgorithm::kRs256;
  if (name == "ES256") return JwtAlgorithm::kEs256;
  return std::nullopt;
}

Result<JwtKey> JwtKey::hmac_secret(std::string_view secret) {
  if (secret.size() < kMinHmacSecret) {
    return Error{"an HS256 secret must be at least 32 bytes (RFC 7518 §3.2), this one has " +
                 std::to_string(secret.size())};
  }
  return JwtKey(JwtAlgorithm::kHs256, std::vector<uint8_t>(secret.begin(), secret.end()), nullptr,
                false);
}

Result<JwtKey> JwtKey::public_key_pem(JwtAlgorithm alg, std::string_view pem) {
  return from_pem(alg, pem, false);
}

Result<JwtKey> JwtKey::private_key_pem(JwtAlgorithm alg, std::string_view pem) {
  return from_pem(alg, pem, true);
}

Result<JwtKey> JwtKey::from_pem(JwtAlgorithm alg, std::string_view pem, bool is_private) {
  if (alg == JwtAlgorithm::kHs256) return Error{"HS256 takes a secret, not a PEM key"};
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return Error{"out of memory"};
  EVP_PKEY* raw = is_private ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                             : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (raw == nullptr) {
    ERR_clear_error();
    return Error{std::string("not a PEM ") + (is_private ? "private key" : "public key") +
                 " (expected " + key_type_name(alg) +
                 (is_private ? ", unencrypted)" : " as -----BEGIN PUBLIC KEY-----)")};
  }
  std::shared_ptr<EVP_PKEY> pkey(raw, PkeyFree{});
  if (auto bad = check_key_type(alg, raw); !bad.empty()) return Error{std::move(bad)};
  return JwtKey(alg, {}, std::move(pkey), is_private);
}

Result<std::string> read_small_file(const std::string& path, size_t max_size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot open " + path + ": " + std::strerror(errno)};
  std::string text;
  text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return Error{"cannot read " + path};
  if (text.size() > max_size) return Error{path + " is larger than " + std::to_string(max_size)};
  return text;
}

}  // namespace tandem::gateway
