#include "gateway/token_verifier.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gateway/base64.hpp"
#include "gateway/jws.hpp"
#include "gateway/token_minter.hpp"
#include "unit/gateway/unit_test_keys.hpp"

namespace tandem::gateway {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using testing::ec_pair;
using testing::rsa_pair;

const std::string kSecret = "0123456789abcdef0123456789abcdef-hs256";
const WallTime kNow = WallTime(seconds(1'700'000'000));
constexpr int64_t kT = 1'700'000'000;

JwtKey hs() { return JwtKey::hmac_secret(kSecret).value(); }
JwtKey rs_private() {
  return JwtKey::private_key_pem(JwtAlgorithm::kRs256, rsa_pair().private_pem).value();
}
JwtKey rs_public() {
  return JwtKey::public_key_pem(JwtAlgorithm::kRs256, rsa_pair().public_pem).value();
}
JwtKey es_private() {
  return JwtKey::private_key_pem(JwtAlgorithm::kEs256, ec_pair().private_pem).value();
}
JwtKey es_public() {
  return JwtKey::public_key_pem(JwtAlgorithm::kEs256, ec_pair().public_pem).value();
}

TokenVerifier verifier(std::vector<JwtKey> keys, seconds skew = seconds(30)) {
  TokenVerifierConfig config;
  config.keys = std::move(keys);
  config.audience = "tandem";
  config.clock_skew = skew;
  return TokenVerifier::create(std::move(config)).value();
}

TokenVerifier all_algs() { return verifier({hs(), rs_public(), es_public()}); }

// A token with exactly the header and claims given, signed by `key` (any header alg).
std::string craft(const json& header, const json& claims, const JwtKey& key) {
  const std::string input = base64url_encode(header.dump()) + "." + base64url_encode(claims.dump());
  return input + "." + base64url_encode(jws_sign(key, input).value());
}

json good_claims() { return {{"sub", "1001"}, {"aud", "tandem"}, {"exp", kT + 600}, {"iat", kT}}; }

json with(json claims, const std::string& name, json value) {
  if (value.is_null()) {
    claims.erase(name);
  } else {
    claims[name] = std::move(value);
  }
  return claims;
}

TEST(TokenVerifier, AcceptsEachAlgorithmFromTheMinter) {
  const TokenVerifier v = all_algs();
  for (const JwtKey& key : {hs(), rs_private(), es_private()}) {
    TokenClaims claims{"1001", "tandem", seconds(600), std::vector<std::string>{"600", "sales"}};
    const auto token = mint_token(key, claims, kNow);
    ASSERT_TRUE(token) << token.error().reason;
    const TokenResult r = v.verify(*token, kNow);
    ASSERT_TRUE(r) << to_string(key.algorithm()) << ": " << r.rejection().describe();
    EXPECT_EQ(r.identity().subject, "1001");
    EXPECT_EQ(r.identity().algorithm, key.algorithm());
    EXPECT_EQ(r.identity().expires, kNow + seconds(600));
    ASSERT_TRUE(r.identity().allow.has_value());
    EXPECT_TRUE(r.identity().may_call("sales"));
    EXPECT_FALSE(r.identity().may_call("601"));
  }
}

TEST(TokenVerifier, Es256SignatureIsRawRAndS) {
  const auto token = mint_token(es_private(), {"1001", "tandem", seconds(60), {}}, kNow).value();
  const auto sig = base64url_decode(token.substr(token.rfind('.') + 1));
  ASSERT_TRUE(sig);
  EXPECT_EQ(sig->size(), 64u);  // RFC 7518 §3.4, not DER
}

struct ClaimCase {
  const char* name;
  json claims;
  TokenFailure failure;  // kMissing here means "accepted"
};

TEST(TokenVerifier, ClaimChecks) {
  const TokenVerifier v = verifier({hs()}, seconds(30));
  const ClaimCase cases[] = {
      {"valid", good_claims(), TokenFailure::kMissing},
      {"no iat", with(good_claims(), "iat", nullptr), TokenFailure::kMissing},
      {"fractional exp", with(good_claims(), "exp", kT + 0.5), TokenFailure::kMissing},
      {"expired long ago", with(good_claims(), "exp", kT - 3600), TokenFailure::kExpired},
      // RFC 7519 §4.1.4: now must be before exp; skew 30 s extends that to exp + 30.
      {"exp + skew - 1 == now", with(good_claims(), "exp", kT - 29), TokenFailure::kMissing},
      {"exp + skew == now", with(good_claims(), "exp", kT - 30), TokenFailure::kExpired},
      {"no exp", with(good_claims(), "exp", nullptr), TokenFailure::kMalformed},
      {"exp a string", with(good_claims(), "exp", "1700000600"), TokenFailure::kMalformed},
      {"exp huge", with(good_claims(), "exp", 1e300), TokenFailure::kMalformed},
      {"nbf in the past", with(good_claims(), "nbf", kT - 10), TokenFailure::kMissing},
      {"nbf within skew", with(good_claims(), "nbf", kT + 30), TokenFailure::kMissing},
      {"nbf beyond skew", with(good_claims(), "nbf", kT + 31), TokenFailure::kNotYetValid},
      {"iat beyond skew", with(good_claims(), "iat", kT + 3600), TokenFailure::kNotYetValid},
      {"nbf not a number", with(good_claims(), "nbf", true), TokenFailure::kMalformed},
      {"aud array with ours", with(good_claims(), "aud", json{"other", "tandem"}),
       TokenFailure::kMissing},
      {"aud wrong", with(good_claims(), "aud", "other"), TokenFailure::kWrongAudience},
      {"aud array without ours", with(good_claims(), "aud", json{"a", "b"}),
       TokenFailure::kWrongAudience},
      {"aud case differs", with(good_claims(), "aud", "Tandem"), TokenFailure::kWrongAudience},
      {"aud missing", with(good_claims(), "aud", nullptr), TokenFailure::kWrongAudience},
      {"aud a number", with(good_claims(), "aud", 5), TokenFailure::kWrongAudience},
      {"sub missing", with(good_claims(), "sub", nullptr), TokenFailure::kMissingSubject},
      {"sub empty", with(good_claims(), "sub", ""), TokenFailure::kMissingSubject},
      {"sub a number", with(good_claims(), "sub", 1001), TokenFailure::kMissingSubject},
      {"allow empty list", with(good_claims(), "allow", json::array()), TokenFailure::kMissing},
      {"allow a string", with(good_claims(), "allow", "600"), TokenFailure::kMalformed},
      {"allow with a number", with(good_claims(), "allow", json{"600", 601}),
       TokenFailure::kMalformed},
      {"allow with empty", with(good_claims(), "allow", json{""}), TokenFailure::kMalformed},
  };
  for (const ClaimCase& c : cases) {
    const TokenResult r = v.verify(craft({{"alg", "HS256"}, {"typ", "JWT"}}, c.claims, hs()), kNow);
    if (c.failure == TokenFailure::kMissing) {
      EXPECT_TRUE(r) << c.name << ": " << r.rejection().describe();
    } else {
      ASSERT_FALSE(r) << c.name;
      EXPECT_EQ(r.rejection().failure, c.failure) << c.name << ": " << r.rejection().describe();
    }
  }
}

TEST(TokenVerifier, SkewZeroAndAllowListSemantics) {
  const TokenVerifier v = verifier({hs()}, seconds(0));
  EXPECT_FALSE(v.verify(craft({{"alg", "HS256"}}, with(good_claims(), "exp", kT), hs()), kNow));
  EXPECT_TRUE(v.verify(craft({{"alg", "HS256"}}, with(good_claims(), "exp", kT + 1), hs()), kNow));
  const auto open = v.verify(craft({{"alg", "HS256"}}, good_claims(), hs()), kNow);
  ASSERT_TRUE(open);
  EXPECT_FALSE(open.identity().allow.has_value());
  EXPECT_TRUE(open.identity().may_call("anything"));
  const auto none =
      v.verify(craft({{"alg", "HS256"}}, with(good_claims(), "allow", json::array()), hs()), kNow);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none.identity().may_call("600"));  // an empty list allows nothing
}

TEST(TokenVerifier, ForgedSignatures) {
  const TokenVerifier v = all_algs();
  for (const JwtKey& key : {hs(), rs_private(), es_private()}) {
    std::string token = mint_token(key, {"1001", "tandem", seconds(60), {}}, kNow).value();
    // Change the subject but keep the signature.
    const size_t d1 = token.find('.');
    const size_t d2 = token.rfind('.');
    json claims = json::parse(base64url_decode(token.substr(d1 + 1, d2 - d1 - 1)).value());
    claims["sub"] = "1002";
    const std::string forged =
        token.substr(0, d1 + 1) + base64url_encode(claims.dump()) + token.substr(d2);
    const TokenResult r = v.verify(forged, kNow);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.rejection().failure, TokenFailure::kBadSignature) << r.rejection().describe();
    // A flipped signature byte, and a truncated signature.
    std::string flipped = token;
    flipped[d2 + 2] = flipped[d2 + 2] == 'A' ? 'B' : 'A';
    EXPECT_EQ(v.verify(flipped, kNow).rejection().failure, TokenFailure::kBadSignature);
    auto sig = base64url_decode(token.substr(d2 + 1)).value();
    sig.pop_back();
    EXPECT_EQ(v.verify(token.substr(0, d2 + 1) + base64url_encode(sig), kNow).rejection().failure,
              TokenFailure::kBadSignature);
  }
  // Signed with another secret / another key pair.
  const JwtKey other_hs =
      JwtKey::hmac_secret("another secret of at least thirty-two bytes").value();
  EXPECT_EQ(v.verify(craft({{"alg", "HS256"}}, good_claims(), other_hs), kNow).rejection().failure,
            TokenFailure::kBadSignature);
  const JwtKey other_rs =
      JwtKey::private_key_pem(JwtAlgorithm::kRs256, testing::other_rsa_pair().private_pem).value();
  EXPECT_EQ(v.verify(craft({{"alg", "RS256"}}, good_claims(), other_rs), kNow).rejection().failure,
            TokenFailure::kBadSignature);
}

TEST(TokenVerifier, AlgorithmNoneAndUnknown) {
  const TokenVerifier v = all_algs();
  const std::string unsigned_token = base64url_encode(json{{"alg", "none"}}.dump()) + "." +
                                     base64url_encode(good_claims().dump()) + ".";
  EXPECT_EQ(v.verify(unsigned_token, kNow).rejection().failure,
            TokenFailure::kUnsupportedAlgorithm);
  for (const char* alg : {"none", "None", "hs256", "HS512", "RS384", "PS256", "ES384", "EdDSA"}) {
    const TokenResult r = v.verify(craft({{"alg", alg}}, good_claims(), hs()), kNow);
    ASSERT_FALSE(r) << alg;
    EXPECT_EQ(r.rejection().failure, TokenFailure::kUnsupportedAlgorithm) << alg;
  }
  // A configured algorithm without a key here.
  const TokenVerifier only_rs = verifier({rs_public()});
  EXPECT_EQ(
      only_rs.verify(craft({{"alg", "HS256"}}, good_claims(), hs()), kNow).rejection().failure,
      TokenFailure::kUnsupportedAlgorithm);
}

// The classic confusion attack: an HS256 token whose HMAC key is the RSA public key PEM the
// attacker knows. Each key is bound to one algorithm, so it must never verify.
TEST(TokenVerifier, HsRsAlgorithmConfusion) {
  const JwtKey pem_as_secret = JwtKey::hmac_secret(rsa_pair().public_pem).value();
  const std::string token = craft({{"alg", "HS256"}}, good_claims(), pem_as_secret);
  const TokenResult only_rs = verifier({rs_public()}).verify(token, kNow);
  ASSERT_FALSE(only_rs);
  EXPECT_EQ(only_rs.rejection().failure, TokenFailure::kUnsupportedAlgorithm);
  const TokenResult both = all_algs().verify(token, kNow);
  ASSERT_FALSE(both);
  EXPECT_EQ(both.rejection().failure, TokenFailure::kBadSignature);
  // An RS256 header over an ES256 signature, and the reverse.
  const std::string es_sig = craft({{"alg", "RS256"}}, good_claims(), es_private());
  EXPECT_EQ(all_algs().verify(es_sig, kNow).rejection().failure, TokenFailure::kBadSignature);
  const std::string rs_sig = craft({{"alg", "ES256"}}, good_claims(), rs_private());
  EXPECT_EQ(all_algs().verify(rs_sig, kNow).rejection().failure, TokenFailure::kBadSignature);
}

TEST(TokenVerifier, MalformedInput) {
  const TokenVerifier v = all_algs();
  const std::string good = craft({{"alg", "HS256"}}, good_claims(), hs());
  const std::string h = good.substr(0, good.find('.'));
  const std::string p = good.substr(good.find('.') + 1, good.rfind('.') - good.find('.') - 1);
  const std::string s = good.substr(good.rfind('.') + 1);
  const std::pair<std::string, TokenFailure> cases[] = {
      {"", TokenFailure::kMissing},
      {"abc", TokenFailure::kMalformed},
      {"a.b", TokenFailure::kMalformed},
      {h + "." + p + "." + s + ".x", TokenFailure::kMalformed},
      {h + "." + p + "." + s + ".", TokenFailure::kMalformed},
      {"..", TokenFailure::kMalformed},
      {h + "=." + p + "." + s, TokenFailure::kMalformed},                       // padding
      {"e30." + p + "." + s, TokenFailure::kMalformed},                         // {} no alg
      {base64url_encode("[1]") + "." + p + "." + s, TokenFailure::kMalformed},  // not an object
      {base64url_encode("{\"alg\":") + "." + p + "." + s, TokenFailure::kMalformed},  // bad JSON
      {base64url_encode(R"({"alg":5})") + "." + p + "." + s, TokenFailure::kMalformed},
      {h + "." + p + "." + s + "*", TokenFailure::kMalformed},  // bad base64
      {h + ".%%%." + s, TokenFailure::kBadSignature},  // signature checked before the payload
      {h + "." + p + "." + s + "\n", TokenFailure::kMalformed},
      {std::string(10000, 'a'), TokenFailure::kMalformed},  // huge
      {std::string(100000, '.'), TokenFailure::kMalformed},
  };
  for (const auto& [token, failure] : cases) {
    const TokenResult r = v.verify(token, kNow);
    ASSERT_FALSE(r) << token.substr(0, 80);
    EXPECT_EQ(r.rejection().failure, failure)
        << token.substr(0, 80) << ": " << r.rejection().describe();
    EXPECT_EQ(r.rejection().detail.find(s), std::string::npos);  // never echo the token
  }
  // A payload that is not JSON but correctly signed.
  const std::string input = h + "." + base64url_encode("not json");
  const std::string signed_garbage = input + "." + base64url_encode(jws_sign(hs(), input).value());
  EXPECT_EQ(v.verify(signed_garbage, kNow).rejection().failure, TokenFailure::kMalformed);
  // crit names an extension we do not implement (RFC 7515 §4.1.11).
  EXPECT_EQ(
      v.verify(craft({{"alg", "HS256"}, {"crit", {"b64"}}, {"b64", false}}, good_claims(), hs()),
               kNow)
          .rejection()
          .failure,
      TokenFailure::kMalformed);
}

TEST(TokenVerifier, ReasonCodesAreStable) {
  EXPECT_EQ(reason_code(TokenFailure::kMissing), "missing_token");
  EXPECT_EQ(reason_code(TokenFailure::kMalformed), "malformed");
  EXPECT_EQ(reason_code(TokenFailure::kUnsupportedAlgorithm), "unsupported_alg");
  EXPECT_EQ(reason_code(TokenFailure::kBadSignature), "bad_signature");
  EXPECT_EQ(reason_code(TokenFailure::kExpired), "expired");
  EXPECT_EQ(reason_code(TokenFailure::kNotYetValid), "not_yet_valid");
  EXPECT_EQ(reason_code(TokenFailure::kWrongAudience), "wrong_audience");
  EXPECT_EQ(reason_code(TokenFailure::kMissingSubject), "missing_sub");
}

TEST(TokenVerifier, ConfigurationErrors) {
  TokenVerifierConfig none;
  none.audience = "tandem";
  EXPECT_FALSE(TokenVerifier::create(none));
  TokenVerifierConfig twice;
  twice.audience = "tandem";
  twice.keys = {hs(), hs()};
  EXPECT_FALSE(TokenVerifier::create(twice));
  TokenVerifierConfig no_aud;
  no_aud.keys = {hs()};
  EXPECT_FALSE(TokenVerifier::create(no_aud));
}

TEST(JwtKey, RefusesKeysOfTheWrongKind) {
  EXPECT_FALSE(JwtKey::hmac_secret("short"));
  EXPECT_FALSE(JwtKey::hmac_secret(std::string(31, 'x')));
  EXPECT_TRUE(JwtKey::hmac_secret(std::string(32, 'x')));
  EXPECT_FALSE(JwtKey::public_key_pem(JwtAlgorithm::kRs256, ec_pair().public_pem));
  EXPECT_FALSE(JwtKey::public_key_pem(JwtAlgorithm::kEs256, rsa_pair().public_pem));
  EXPECT_FALSE(JwtKey::public_key_pem(JwtAlgorithm::kEs256, testing::ec384_pair().public_pem));
  EXPECT_FALSE(JwtKey::public_key_pem(JwtAlgorithm::kRs256, testing::small_rsa_pair().public_pem));
  EXPECT_FALSE(JwtKey::public_key_pem(JwtAlgorithm::kRs256, rsa_pair().private_pem));
  EXPECT_FALSE(JwtKey::public_key_pem(JwtAlgorithm::kRs256, "garbage"));
  EXPECT_FALSE(JwtKey::public_key_pem(JwtAlgorithm::kHs256, rsa_pair().public_pem));
  EXPECT_FALSE(JwtKey::private_key_pem(JwtAlgorithm::kRs256, rsa_pair().public_pem));
  EXPECT_FALSE(rs_public().can_sign());
  EXPECT_FALSE(mint_token(rs_public(), {"1001", "tandem", seconds(60), {}}, kNow));
}

}  // namespace
}  // namespace tandem::gateway
