// The certificate and key a SIP TLS or WSS listener presents (RFC 3261 §26.3.1, RFC 7118 §7):
// loaded from PEM, or a self-signed ECDSA P-256 certificate generated at start when none is
// configured. Nothing here logs: tools print fingerprint_sha256() or certificate_pem() themselves
// (never the private key).
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace tandem::sip {

class TlsIdentity {
 public:
  // A fresh ECDSA P-256 key and a self-signed X.509v3 certificate valid from a day ago (clock
  // skew) for `validity`. `alt_names` become its subjectAltName, in OpenSSL notation
  // ("DNS:gw.example.com", "IP:127.0.0.1"), so clients that pin it as a CA can verify the host.
  static Result<TlsIdentity> generate(std::string_view common_name = "tandem",
                                      const std::vector<std::string>& alt_names = {"DNS:localhost",
                                                                                   "IP:127.0.0.1",
                                                                                   "IP:::1"},
                                      std::chrono::hours validity = std::chrono::hours(24 * 365));
  // A configured certificate (chain: leaf first) and its unencrypted private key, as PEM text.
  static Result<TlsIdentity> from_pem(std::string certificate_pem, std::string private_key_pem);
  // The same, read from files.
  static Result<TlsIdentity> from_pem_files(const std::string& certificate_path,
                                            const std::string& private_key_path);

  const std::string& certificate_pem() const { return certificate_pem_; }
  const std::string& private_key_pem() const { return private_key_pem_; }  // never log it
  // SHA-256 of the leaf certificate's DER, "AB:CD:..." (as RFC 8122 writes fingerprints).
  const std::string& fingerprint_sha256() const { return fingerprint_sha256_; }

 private:
  TlsIdentity(std::string certificate_pem, std::string private_key_pem, std::string fingerprint)
      : certificate_pem_(std::move(certificate_pem)),
        private_key_pem_(std::move(private_key_pem)),
        fingerprint_sha256_(std::move(fingerprint)) {}

  std::string certificate_pem_;
  std::string private_key_pem_;
  std::string fingerprint_sha256_;
};

using SslContextPtr = std::shared_ptr<boost::asio::ssl::context>;

// A server context presenting `identity`: TLS 1.2 and 1.3 only, no client certificate asked.
Result<SslContextPtr> make_tls_server_context(const TlsIdentity& identity);

struct TlsClientOptions {
  bool verify_peer = true;
  // PEM certificates to trust; empty means the system's default trust store.
  std::string trusted_pem;
};
// A client context for outgoing TLS connections (TLS 1.2 and 1.3 only).
Result<SslContextPtr> make_tls_client_context(const TlsClientOptions& options = {});

}  // namespace tandem::sip
