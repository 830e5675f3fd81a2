#include "dtls/dtls_certificate.hpp"

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <memory>

namespace tandem::dtls {
namespace {

using BnPtr = std::unique_ptr<BIGNUM, OpenSslFree<&BN_free>>;

Result<std::string> bio_to_string(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  if (length <= 0 || data == nullptr) return Error{"cannot encode PEM"};
  return std::string(data, static_cast<size_t>(length));
}

BioPtr read_only_bio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

}  // namespace

DtlsCertificate::DtlsCertificate(X509Ptr certificate, EvpPkeyPtr key,
                                 std::string fingerprint_sha256)
    : certificate_(std::move(certificate)),
      key_(std::move(key)),
      fingerprint_sha256_(std::move(fingerprint_sha256)) {}

DtlsCertificate::DtlsCertificate(const DtlsCertificate& other)
    : fingerprint_sha256_(other.fingerprint_sha256_) {
  X509_up_ref(other.certificate_.get());
  certificate_.reset(other.certificate_.get());
  EVP_PKEY_up_ref(other.key_.get());
  key_.reset(other.key_.get());
}

DtlsCertificate& DtlsCertificate::operator=(const DtlsCertificate& other) {
  if (this != &other) {
    DtlsCertificate copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Result<DtlsCertificate> DtlsCertificate::assemble(X509Ptr certificate, EvpPkeyPtr key) {
  if (X509_check_private_key(certificate.get(), key.get()) != 1) {
    return Error{"the private key does not match the certificate"};
  }
  Result<Fingerprint> fingerprint =
      Fingerprint::of(certificate.get(), Fingerprint::Algorithm::kSha256);
  if (!fingerprint) return fingerprint.error();
  return DtlsCertificate(std::move(certificate), std::move(key), fingerprint->to_string());
}

Result<DtlsCertificate> DtlsCertificate::generate(std::string_view common_name,
                                                  std::chrono::hours validity) {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return Error{"cannot generate an ECDSA P-256 key"};

  X509Ptr certificate(X509_new());
  if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1) {
    return Error{"cannot allocate a certificate"};
  }
  // RFC 5280 §4.1.2.2: positive serial of at most 20 octets; 63 random bits are plenty.
  BnPtr serial(BN_new());
  if (!serial || BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())) == nullptr) {
    return Error{"cannot set the certificate serial number"};
  }
  constexpr long kOneDay = 24 * 60 * 60;
  if (X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -kOneDay) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(certificate.get()),
                      static_cast<long>(validity.count()) * 3600) == nullptr) {
    return Error{"cannot set the certificate validity"};
  }
  X509_NAME* name = X509_get_subject_name(certificate.get());
  const std::string cn(common_name);
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(certificate.get(), name) != 1 ||
      X509_set_pubkey(certificate.get(), key.get()) != 1 ||
      X509_sign(certificate.get(), key.get(), EVP_sha256()) == 0) {
    return Error{"cannot sign the self-signed certificate"};
  }
  return assemble(std::move(certificate), std::move(key));
}

Result<DtlsCertificate> DtlsCertificate::from_pem(std::string_view certificate_pem,
                                                  std::string_view private_key_pem) {
  BioPtr cert_bio = read_only_bio(certificate_pem);
  BioPtr key_bio = read_only_bio(private_key_pem);
  if (!cert_bio || !key_bio) return Error{"cannot read PEM"};
  X509Ptr certificate(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  if (!certificate) return Error{"certificate PEM is not a valid X.509 certificate"};
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!key) return Error{"private key PEM is not a valid (unencrypted) private key"};
  return assemble(std::move(certificate), std::move(key));
}

Result<Fingerprint> DtlsCertificate::fingerprint(Fingerprint::Algorithm algorithm) const {
  return Fingerprint::of(certificate_.get(), algorithm);
}

Result<std::string> DtlsCertificate::certificate_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), certificate_.get()) != 1) {
    return Error{"cannot encode the certificate as PEM"};
  }
  return bio_to_string(bio.get());
}

Result<std::string> DtlsCertificate::private_key_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Error{"cannot encode the private key as PEM"};
  }
  return bio_to_string(bio.get());
}

}  // namespace tandem::dtls
