// An X.509 certificate and its private key as OpenSSL objects, for the DTLS-SRTP endpoint (pinned
// by fingerprint, RFC 8827 §6.5) and the SIP TLS/WSS listeners: a fresh self-signed ECDSA P-256
// one (what browsers generate: small and fast to sign) or a configured one read from PEM.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace tandem {

struct X509Free {
  void operator()(X509* p) const noexcept { X509_free(p); }
};
struct EvpPkeyFree {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};

struct CertificateAndKey {
  std::unique_ptr<X509, X509Free> certificate;
  std::unique_ptr<EVP_PKEY, EvpPkeyFree> key;
};

// Subject and issuer CN=`common_name`, a random 63-bit serial, valid from a day ago (clock skew)
// for `validity`, signed with SHA-256. `alt_names`, in OpenSSL notation ("DNS:gw.example.com",
// "IP:127.0.0.1"), become its subjectAltName (none when empty).
Result<CertificateAndKey> generate_self_signed_certificate(
    std::string_view common_name, std::chrono::hours validity,
    const std::vector<std::string>& alt_names = {});

// A configured certificate (the first in `certificate_pem`) and its unencrypted private key; the
// key must match the certificate.
Result<CertificateAndKey> certificate_and_key_from_pem(std::string_view certificate_pem,
                                                       std::string_view private_key_pem);

// PEM text of a certificate, and of an unencrypted private key (never log that one).
Result<std::string> certificate_to_pem(X509* certificate);
Result<std::string> private_key_to_pem(EVP_PKEY* key);

}  // namespace tandem
