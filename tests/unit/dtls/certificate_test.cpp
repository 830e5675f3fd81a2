// DtlsCertificate and Fingerprint.
#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "dtls/dtls_certificate.hpp"
#include "dtls/fingerprint.hpp"

namespace tandem::dtls {
namespace {

TEST(FingerprintTest, ParsesAndPrintsSha256) {
  const std::string text =
      "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:"
      "67:89";
  Result<Fingerprint> fp = Fingerprint::parse("sha-256", text);
  ASSERT_TRUE(fp.ok()) << fp.error().reason;
  EXPECT_EQ(fp->algorithm(), Fingerprint::Algorithm::kSha256);
  EXPECT_EQ(fp->digest().size(), 32u);
  EXPECT_EQ(fp->digest()[0], 0xab);
  EXPECT_EQ(fp->to_string(), text);
  // Case-insensitive hash name and hex (RFC 8122 §5 allows either case).
  Result<Fingerprint> lower = Fingerprint::parse("SHA-256",
                                                 "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:"
                                                 "23:45:67:89:ab:cd:ef:01:23:45:67:89:"
                                                 "ab:cd:ef:01:23:45:67:89");
  ASSERT_TRUE(lower.ok());
  EXPECT_TRUE(*lower == *fp);
}

struct BadFingerprint {
  const char* algorithm;
  const char* value;
  const char* reason_part;
};

class FingerprintRejectTest : public ::testing::TestWithParam<BadFingerprint> {};

TEST_P(FingerprintRejectTest, Rejects) {
  Result<Fingerprint> fp = Fingerprint::parse(GetParam().algorithm, GetParam().value);
  ASSERT_FALSE(fp.ok());
  EXPECT_NE(fp.error().reason.find(GetParam().reason_part), std::string::npos) << fp.error().reason;
}

INSTANTIATE_TEST_SUITE_P(
    Table, FingerprintRejectTest,
    ::testing::Values(BadFingerprint{"md5", "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff",
                                     "unsupported fingerprint hash function 'md5'"},
                      BadFingerprint{"sha-256", "AB:CD", "expected 32 colon-separated hex bytes"},
                      BadFingerprint{"sha-1",
                                     "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:0G",
                                     "at byte 20"},
                      BadFingerprint{"sha-1",
                                     "AB-CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01",
                                     "at byte 1"},
                      BadFingerprint{"", "", "unsupported"}));

TEST(FingerprintTest, AlgorithmNames) {
  EXPECT_EQ(Fingerprint::algorithm_from_name("sha-1"), Fingerprint::Algorithm::kSha1);
  EXPECT_EQ(Fingerprint::algorithm_from_name("Sha-384"), Fingerprint::Algorithm::kSha384);
  EXPECT_EQ(Fingerprint::algorithm_from_name("sha-512"), Fingerprint::Algorithm::kSha512);
  EXPECT_EQ(Fingerprint::algorithm_from_name("sha256"), std::nullopt);
  EXPECT_EQ(Fingerprint::algorithm_name(Fingerprint::Algorithm::kSha256), "sha-256");
}

TEST(DtlsCertificateTest, GeneratesSelfSignedEcdsaP256) {
  Result<DtlsCertificate> cert = DtlsCertificate::generate("unit");
  ASSERT_TRUE(cert.ok()) << cert.error().reason;
  EVP_PKEY* key = X509_get0_pubkey(cert->x509());
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(EVP_PKEY_get_base_id(key), EVP_PKEY_EC);
  char group[64] = {};
  size_t group_len = 0;
  ASSERT_EQ(EVP_PKEY_get_group_name(key, group, sizeof(group), &group_len), 1);
  EXPECT_STREQ(group, "prime256v1");
  EXPECT_EQ(X509_get_signature_nid(cert->x509()), NID_ecdsa_with_SHA256);
  EXPECT_EQ(X509_verify(cert->x509(), key), 1);  // self-signed
  EXPECT_EQ(X509_cmp_current_time(X509_get0_notBefore(cert->x509())), -1);
  EXPECT_EQ(X509_cmp_current_time(X509_get0_notAfter(cert->x509())), 1);

  // The fingerprint is SHA-256 over the DER (RFC 8122 §5), computed here independently.
  unsigned char* der = nullptr;
  const int der_len = i2d_X509(cert->x509(), &der);
  ASSERT_GT(der_len, 0);
  unsigned char digest[32];
  unsigned int digest_len = 0;
  ASSERT_EQ(EVP_Digest(der, size_t(der_len), digest, &digest_len, EVP_sha256(), nullptr), 1);
  OPENSSL_free(der);
  std::string expected;
  char hex[4];
  for (unsigned i = 0; i < digest_len; ++i) {
    std::snprintf(hex, sizeof(hex), i ? ":%02X" : "%02X", digest[i]);
    expected += hex;
  }
  EXPECT_EQ(cert->fingerprint_sha256(), expected);
  EXPECT_EQ(cert->fingerprint(Fingerprint::Algorithm::kSha256)->to_string(), expected);

  // Two generated certificates differ (fresh key and serial).
  Result<DtlsCertificate> other = DtlsCertificate::generate("unit");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->fingerprint_sha256(), cert->fingerprint_sha256());
}

TEST(DtlsCertificateTest, PemRoundTripAndCopies) {
  Result<DtlsCertificate> cert = DtlsCertificate::generate();
  ASSERT_TRUE(cert.ok());
  Result<std::string> cert_pem = cert->certificate_pem();
  Result<std::string> key_pem = cert->private_key_pem();
  ASSERT_TRUE(cert_pem.ok() && key_pem.ok());
  EXPECT_EQ(cert_pem->rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  Result<DtlsCertificate> loaded = DtlsCertificate::from_pem(*cert_pem, *key_pem);
  ASSERT_TRUE(loaded.ok()) << loaded.error().reason;
  EXPECT_EQ(loaded->fingerprint_sha256(), cert->fingerprint_sha256());

  DtlsCertificate copy = *loaded;  // shares the OpenSSL objects
  EXPECT_EQ(copy.x509(), loaded->x509());
  EXPECT_EQ(copy.fingerprint_sha256(), cert->fingerprint_sha256());
}

TEST(DtlsCertificateTest, FromPemRejectsBadInput) {
  Result<DtlsCertificate> a = DtlsCertificate::generate();
  Result<DtlsCertificate> b = DtlsCertificate::generate();
  ASSERT_TRUE(a.ok() && b.ok());
  Result<DtlsCertificate> mismatched =
      DtlsCertificate::from_pem(*a->certificate_pem(), *b->private_key_pem());
  ASSERT_FALSE(mismatched.ok());
  EXPECT_EQ(mismatched.error().reason, "the private key does not match the certificate");
  EXPECT_FALSE(DtlsCertificate::from_pem("garbage", *a->private_key_pem()).ok());
  EXPECT_FALSE(DtlsCertificate::from_pem(*a->certificate_pem(), "").ok());
}

}  // namespace
}  // namespace tandem::dtls
