// The certificate a DTLS-SRTP endpoint presents. WebRTC pins it by fingerprint in SDP
// (RFC 8827 §6.5, RFC 8122), so it is self-signed and generated at start-up unless configured.
// Immutable once built; copies share the same OpenSSL objects (reference counted).
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "dtls/fingerprint.hpp"
#include "dtls/openssl_ptr.hpp"

namespace tandem::dtls {

class DtlsCertificate {
 public:
  // ECDSA P-256 key (what browsers generate: small, fast to sign) and a self-signed X.509v3
  // certificate with a random serial, valid from a day ago (clock skew) for `validity`.
  static Result<DtlsCertificate> generate(std::string_view common_name = "tandem",
                                          std::chrono::hours validity = std::chrono::hours(24 *
                                                                                           365));
  // A configured certificate and its private key (PEM, unencrypted). The key must match.
  static Result<DtlsCertificate> from_pem(std::string_view certificate_pem,
                                          std::string_view private_key_pem);

  DtlsCertificate(const DtlsCertificate& other);
  DtlsCertificate& operator=(const DtlsCertificate& other);
  DtlsCertificate(DtlsCertificate&&) noexcept = default;
  DtlsCertificate& operator=(DtlsCertificate&&) noexcept = default;
  ~DtlsCertificate() = default;

  // "AB:CD:..." for a=fingerprint:sha-256 (RFC 8122 §5).
  const std::string& fingerprint_sha256() const noexcept { return fingerprint_sha256_; }
  Result<Fingerprint> fingerprint(Fingerprint::Algorithm algorithm) const;

  Result<std::string> certificate_pem() const;
  // The private key; for writing a configured key file. Never log it.
  Result<std::string> private_key_pem() const;

  X509* x509() const noexcept { return certificate_.get(); }
  EVP_PKEY* private_key() const noexcept { return key_.get(); }

 private:
  DtlsCertificate(X509Ptr certificate, EvpPkeyPtr key, std::string fingerprint_sha256);
  static Result<DtlsCertificate> assemble(X509Ptr certificate, EvpPkeyPtr key);

  X509Ptr certificate_;
  EvpPkeyPtr key_;
  std::string fingerprint_sha256_;
};

}  // namespace tandem::dtls
