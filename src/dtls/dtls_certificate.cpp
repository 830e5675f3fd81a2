#include "dtls/dtls_certificate.hpp"

#include "common/certificate_and_key.hpp"

namespace tandem::dtls {

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
  auto generated = generate_self_signed_certificate(common_name, validity);
  if (!generated) return generated.error();
  return assemble(X509Ptr(generated->certificate.release()), EvpPkeyPtr(generated->key.release()));
}

Result<DtlsCertificate> DtlsCertificate::from_pem(std::string_view certificate_pem,
                                                  std::string_view private_key_pem) {
  auto loaded = certificate_and_key_from_pem(certificate_pem, private_key_pem);
  if (!loaded) return loaded.error();
  return assemble(X509Ptr(loaded->certificate.release()), EvpPkeyPtr(loaded->key.release()));
}

Result<Fingerprint> DtlsCertificate::fingerprint(Fingerprint::Algorithm algorithm) const {
  return Fingerprint::of(certificate_.get(), algorithm);
}

Result<std::string> DtlsCertificate::certificate_pem() const {
  return certificate_to_pem(certificate_.get());
}

Result<std::string> DtlsCertificate::private_key_pem() const {
  return private_key_to_pem(key_.get());
}

}  // namespace tandem::dtls
