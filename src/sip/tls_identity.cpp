#include "sip/tls_identity.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <sstream>

namespace tandem::sip {
namespace {

namespace ssl = boost::asio::ssl;

template <auto Free>
struct Freer {
  template <typename T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};
using X509Ptr = std::unique_ptr<X509, Freer<&X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Freer<&EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Freer<&BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Freer<&BN_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Freer<&X509_EXTENSION_free>>;

BioPtr memory_bio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

Result<std::string> drain(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  if (n <= 0 || data == nullptr) return Error{"cannot encode PEM"};
  return std::string(data, static_cast<size_t>(n));
}

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

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
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
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return Error{"cannot generate an ECDSA P-256 key"};
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
    return Error{"cannot allocate a certificate"};
  }
  // RFC 5280 §4.1.2.2: a positive serial of at most 20 octets; 63 random bits.
  BnPtr serial(BN_new());
  if (!serial || BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return Error{"cannot set the certificate serial number"};
  }
  constexpr long kOneDay = 24 * 60 * 60;
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kOneDay) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(validity.count()) * 3600) ==
          nullptr) {
    return Error{"cannot set the certificate validity"};
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  const std::string cn(common_name);
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key.get()) != 1) {
    return Error{"cannot set the certificate's subject and key"};
  }
  if (!alt_names.empty()) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    const std::string value = join(alt_names);
    ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, value.c_str()));
    if (!ext || X509_add_ext(cert.get(), ext.get(), -1) != 1) {
      return Error{"invalid subjectAltName list \"" + value + "\""};
    }
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return Error{"cannot sign the self-signed certificate"};
  }
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  if (!cert_bio || !key_bio || PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1 ||
      PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1) {
    return Error{"cannot encode the generated certificate and key as PEM"};
  }
  auto cert_pem = drain(cert_bio.get());
  auto key_pem = drain(key_bio.get());
  auto fingerprint = sha256_fingerprint(cert.get());
  if (!cert_pem) return cert_pem.error();
  if (!key_pem) return key_pem.error();
  if (!fingerprint) return fingerprint.error();
  return TlsIdentity(std::move(*cert_pem), std::move(*key_pem), std::move(*fingerprint));
}

Result<TlsIdentity> TlsIdentity::from_pem(std::string certificate_pem,
                                          std::string private_key_pem) {
  BioPtr cert_bio = memory_bio(certificate_pem);
  BioPtr key_bio = memory_bio(private_key_pem);
  if (!cert_bio || !key_bio) return Error{"cannot read PEM"};
  X509Ptr cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return Error{"the certificate PEM holds no valid X.509 certificate"};
  PkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!key) return Error{"the private key PEM holds no valid unencrypted private key"};
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return Error{"the private key does not match the certificate"};
  }
  auto fingerprint = sha256_fingerprint(cert.get());
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
