#include "common/certificate_and_key.hpp"

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace tandem {
namespace {

struct BnFree {
  void operator()(BIGNUM* p) const noexcept { BN_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const noexcept { BIO_free_all(p); }
};
struct ExtFree {
  void operator()(X509_EXTENSION* p) const noexcept { X509_EXTENSION_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    out += (out.empty() ? "" : ",") + p;
  }
  return out;
}

Result<std::string> drain(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  if (n <= 0 || data == nullptr) {
    return Error{"cannot encode PEM"};
  }
  return std::string(data, static_cast<size_t>(n));
}

// RFC 5280 §4.1.2.2: a positive serial of at most 20 octets; 63 random bits are plenty.
bool set_random_serial(X509* cert) {
  std::unique_ptr<BIGNUM, BnFree> serial(BN_new());
  return serial && BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
         BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)) != nullptr;
}

bool set_validity(X509* cert, std::chrono::hours validity) {
  constexpr long kOneDay = 24L * 60 * 60;
  return X509_gmtime_adj(X509_getm_notBefore(cert), -kOneDay) != nullptr &&
         X509_gmtime_adj(X509_getm_notAfter(cert), static_cast<long>(validity.count()) * 3600) !=
             nullptr;
}

bool set_subject_and_key(X509* cert, std::string_view common_name, EVP_PKEY* key) {
  X509_NAME* name = X509_get_subject_name(cert);
  const std::string cn(common_name);
  return X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                    0) == 1 &&
         X509_set_issuer_name(cert, name) == 1 && X509_set_pubkey(cert, key) == 1;
}

Status add_alt_names(X509* cert, const std::vector<std::string>& alt_names) {
  if (alt_names.empty()) {
    return Ok{};
  }
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  const std::string value = join(alt_names);
  std::unique_ptr<X509_EXTENSION, ExtFree> ext(
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return Error{"invalid subjectAltName list \"" + value + "\""};
  }
  return Ok{};
}

}  // namespace

Result<CertificateAndKey> generate_self_signed_certificate(
    std::string_view common_name, std::chrono::hours validity,
    const std::vector<std::string>& alt_names) {
  CertificateAndKey out;
  out.key.reset(EVP_EC_gen("P-256"));
  if (!out.key) {
    return Error{"cannot generate an ECDSA P-256 key"};
  }
  out.certificate.reset(X509_new());
  X509* cert = out.certificate.get();
  if (cert == nullptr || X509_set_version(cert, X509_VERSION_3) != 1) {
    return Error{"cannot allocate a certificate"};
  }
  if (!set_random_serial(cert)) {
    return Error{"cannot set the certificate serial number"};
  }
  if (!set_validity(cert, validity)) {
    return Error{"cannot set the certificate validity"};
  }
  if (!set_subject_and_key(cert, common_name, out.key.get())) {
    return Error{"cannot set the certificate's subject and key"};
  }
  if (auto added = add_alt_names(cert, alt_names); !added) {
    return added.error();
  }
  if (X509_sign(cert, out.key.get(), EVP_sha256()) == 0) {
    return Error{"cannot sign the self-signed certificate"};
  }
  return out;
}

Result<CertificateAndKey> certificate_and_key_from_pem(std::string_view certificate_pem,
                                                       std::string_view private_key_pem) {
  BioPtr cert_bio(
      BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size())));
  BioPtr key_bio(BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())));
  if (!cert_bio || !key_bio) {
    return Error{"cannot read PEM"};
  }
  CertificateAndKey out;
  out.certificate.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  if (!out.certificate) {
    return Error{"the certificate PEM holds no valid X.509 certificate"};
  }
  out.key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!out.key) {
    return Error{"the private key PEM holds no valid unencrypted private key"};
  }
  if (X509_check_private_key(out.certificate.get(), out.key.get()) != 1) {
    return Error{"the private key does not match the certificate"};
  }
  return out;
}

Result<std::string> certificate_to_pem(X509* certificate) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1) {
    return Error{"cannot encode the certificate as PEM"};
  }
  return drain(bio.get());
}

Result<std::string> private_key_to_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Error{"cannot encode the private key as PEM"};
  }
  return drain(bio.get());
}

}  // namespace tandem
