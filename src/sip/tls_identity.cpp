#include "sip/tls_identity.hpp"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <fstream>
#include <sstream>

#include "common/certificate_and_key.hpp"

namespace tandem::sip {
namespace {

namespace ssl = boost::asio::ssl;

Result<std::string> sha256_fingerprint(X509* certificate) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (X509_digest(certificate, EVP_sha256(), digest, &size) != 1) {
    return Error{"cannot compute the certificate's SHA-256 fingerprint"};
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    if (i != 0) out += ':';
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read " + path};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Result<TlsIdentity> TlsIdentity::generate(std::string_view common_name,
                                          const std::vector<std::string>& alt_names,
                                          std::chrono::hours validity) {
  auto generated = generate_self_signed_certificate(common_name, validity, alt_names);
  if (!generated) return generated.error();
  auto cert_pem = certificate_to_pem(generated->certificate.get());
  if (!cert_pem) return cert_pem.error();
  auto key_pem = private_key_to_pem(generated->key.get());
  if (!key_pem) return key_pem.error();
  auto fingerprint = sha256_fingerprint(generated->certificate.get());
  if (!fingerprint) return fingerprint.error();
  return TlsIdentity(std::move(*cert_pem), std::move(*key_pem), std::move(*fingerprint));
}

Result<TlsIdentity> TlsIdentity::from_pem(std::string certificate_pem,
                                          std::string private_key_pem) {
  auto loaded = certificate_and_key_from_pem(certificate_pem, private_key_pem);
  if (!loaded) return loaded.error();
  auto fingerprint = sha256_fingerprint(loaded->certificate.get());
  if (!fingerprint) return fingerprint.error();
  return TlsIdentity(std::move(certificate_pem), std::move(private_key_pem),
                     std::move(*fingerprint));
}

Result<TlsIdentity> TlsIdentity::from_pem_files(const std::string& certificate_path,
                                                const std::string& private_key_path) {
  auto cert = read_file(certificate_path);
  if (!cert) return cert.error();
  auto key = read_file(private_key_path);
  if (!key) return key.error();
  auto identity = from_pem(std::move(*cert), std::move(*key));
  if (!identity) {
    return Error{identity.error().reason + " (" + certificate_path + ", " + private_key_path + ")"};
  }
  return identity;
}

namespace {

// ssl::context's constructor throws only when OpenSSL cannot allocate; start-up code turns that
// into an Error like every other failure here.
Result<SslContextPtr> new_context(ssl::context::method method) {
  SslContextPtr context;
  try {
    context = std::make_shared<ssl::context>(method);
  } catch (const std::exception& e) {
    return Error{std::string("cannot create a TLS context: ") + e.what()};
  }
  SSL_CTX* native = context->native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    return Error{"cannot require TLS 1.2 or later"};
  }
  boost::system::error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_compression, ec);
  if (ec) return Error{"cannot set TLS options: " + ec.message()};
  return context;
}

}  // namespace

Result<SslContextPtr> make_tls_server_context(const TlsIdentity& identity) {
  auto context = new_context(ssl::context::tls_server);
  if (!context) return context;
  boost::system::error_code ec;
  (*context)->use_certificate_chain(boost::asio::buffer(identity.certificate_pem()), ec);
  if (ec) return Error{"cannot use the TLS certificate: " + ec.message()};
  (*context)->use_private_key(boost::asio::buffer(identity.private_key_pem()), ssl::context::pem,
                              ec);
  if (ec) return Error{"cannot use the TLS private key: " + ec.message()};
  if (SSL_CTX_check_private_key((*context)->native_handle()) != 1) {
    return Error{"the TLS private key does not match the certificate"};
  }
  return context;
}

Result<SslContextPtr> make_tls_client_context(const TlsClientOptions& options) {
  auto context = new_context(ssl::context::tls_client);
  if (!context) return context;
  boost::system::error_code ec;
  if (!options.verify_peer) {
    (*context)->set_verify_mode(ssl::verify_none, ec);
    if (ec) return Error{"cannot disable TLS peer verification: " + ec.message()};
    return context;
  }
  if (options.trusted_pem.empty()) {
    (*context)->set_default_verify_paths(ec);
    if (ec) return Error{"cannot load the system's trusted certificates: " + ec.message()};
  } else {
    (*context)->add_certificate_authority(boost::asio::buffer(options.trusted_pem), ec);
    if (ec) return Error{"cannot trust the given certificates: " + ec.message()};
  }
  (*context)->set_verify_mode(ssl::verify_peer, ec);
  if (ec) return Error{"cannot enable TLS peer verification: " + ec.message()};
  return context;
}

}  // namespace tandem::sip
