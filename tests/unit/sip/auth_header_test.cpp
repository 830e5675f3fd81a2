#include "sip/auth_header.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/text.hpp"

namespace tandem::sip {
namespace {

AuthHeader parse_ok(std::string_view value) {
  auto result = parse_auth_header(value);
  EXPECT_TRUE(result.ok()) << value << ": " << result.error().reason;
  return result.ok() ? *result : AuthHeader{};
}

// ---- Generic parsing ----

TEST(AuthHeader, ParsesRealWorldChallenges) {
  const struct {
    std::string_view name;
    std::string_view value;
    std::string_view realm;
    std::string_view nonce;
    size_t param_count;
  } cases[] = {
      {"Asterisk chan_sip", R"(Digest algorithm=MD5, realm="asterisk", nonce="4a8c1b2e")",
       "asterisk", "4a8c1b2e", 3},
      {"Asterisk PJSIP (no spaces)",
       R"(Digest realm="asterisk",nonce="1594044374/9e63d5ec1c5d3e61",opaque="5b2b6f1d7e2a5a12",algorithm=md5,qop="auth")",
       "asterisk", "1594044374/9e63d5ec1c5d3e61", 5},
      {"FreeSWITCH",
       R"(Digest realm="pbx.example.com", nonce="b9e4e1d2-5c0a-11ee-9b55-2b1f0c8f7a11", algorithm=MD5, qop="auth")",
       "pbx.example.com", "b9e4e1d2-5c0a-11ee-9b55-2b1f0c8f7a11", 4},
      {"Kamailio",
       R"(Digest realm="sip.example.org", nonce="ZTg2NWQ4MzAwMDAwMDAwMGE4ZTk2ZmQ0YjFjNTc4ZWI=", stale=true, qop="auth")",
       "sip.example.org", "ZTg2NWQ4MzAwMDAwMDAwMGE4ZTk2ZmQ0YjFjNTc4ZWI=", 4},
      {"RFC 3261 §20.44",
       R"(Digest realm="atlanta.com", domain="sip:boxesbybob.com", qop="auth", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=MD5)",
       "atlanta.com", "f84f1cec41e6cbe5aea9c8e88d359", 7},
      {"RFC 7616 SHA-256",
       R"(Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS")",
       "http-auth@example.org", "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", 5},
      {"odd spacing and tabs", "Digest \t realm = \"x\" ,nonce= \"y\"\t,  algorithm =MD5", "x", "y",
       3},
      {"empty list elements", R"(Digest , realm="x",, nonce="y",)", "x", "y", 2},
      {"upper-case names", R"(DIGEST REALM="x", Nonce="y")", "x", "y", 2},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    AuthHeader h = parse_ok(c.value);
    EXPECT_TRUE(iequals(h.scheme, "Digest"));
    EXPECT_EQ(h.get("realm"), std::string(c.realm));
    EXPECT_EQ(h.get("nonce"), std::string(c.nonce));
    EXPECT_EQ(h.params.size(), c.param_count);
    EXPECT_TRUE(digest_challenge(h).ok());
  }
}

TEST(AuthHeader, ResolvesQuotedPairsAndRemembersQuoting) {
  AuthHeader h = parse_ok(R"(Digest realm="a \"quoted\" realm", nonce="x\\y", algorithm=MD5)");
  ASSERT_EQ(h.params.size(), 3u);
  EXPECT_EQ(h.params[0].value, "a \"quoted\" realm");
  EXPECT_TRUE(h.params[0].quoted);
  EXPECT_EQ(h.params[1].value, "x\\y");
  EXPECT_FALSE(h.params[2].quoted);
  EXPECT_EQ(h.to_string(), R"(Digest realm="a \"quoted\" realm", nonce="x\\y", algorithm=MD5)");

  AuthHeader empty = parse_ok(R"(Digest opaque="", realm=x)");
  EXPECT_EQ(empty.get("opaque"), "");
  EXPECT_TRUE(empty.params[0].quoted);
}

TEST(AuthHeader, FindsNamesCaseInsensitively) {
  AuthHeader h = parse_ok(R"(Digest Realm="x", NONCE="y")");
  ASSERT_NE(h.find("realm"), nullptr);
  EXPECT_EQ(h.find("realm")->name, "Realm");  // as written
  EXPECT_EQ(h.get("nonce"), "y");
  EXPECT_EQ(h.find("opaque"), nullptr);
  EXPECT_FALSE(h.get("opaque"));
}

TEST(AuthHeader, ParsesUnknownSchemes) {
  AuthHeader h = parse_ok(R"(NewAuth realm="x", mode=strict)");
  EXPECT_EQ(h.scheme, "NewAuth");
  EXPECT_EQ(h.get("mode"), "strict");
  EXPECT_FALSE(digest_challenge(h).ok());
}

TEST(AuthHeader, RejectsMalformedValues) {
  const struct {
    std::string_view input;
    std::string_view reason;
  } cases[] = {
      {"", "expected an authentication scheme"},
      {"  ", "expected an authentication scheme"},
      {R"("Digest" realm="x")", "expected an authentication scheme"},
      {"Digest", "expected at least one auth-param"},
      {"Digest  , ,", "expected at least one auth-param"},
      {"Digest, realm=\"x\"", "expected whitespace after the authentication scheme"},
      {"Digest realm", "expected '=' after auth-param 'realm'"},
      {"Digest realm=", "auth-param 'realm' needs a token or quoted-string value"},
      {"Digest realm=,nonce=x", "auth-param 'realm' needs a token"},
      {"Digest realm=\"x", "unterminated quoted string in auth-param 'realm'"},
      {"Digest realm=\"x\\", "unterminated quoted string in auth-param 'realm'"},
      {R"(Digest realm="x" nonce="y")", "expected ',' after auth-param 'realm'"},
      {"Digest uri=sip:a@b", "expected ',' after auth-param 'uri'"},
      {R"(Digest realm="a", Basic realm="b")", "several challenges in one header value"},
      {"Digest realm=\"a\x01b\"", "control character in auth-param 'realm'"},
      {"Digest =x", "expected an auth-param name"},
      {"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "needs a token or quoted-string value"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.input));
    auto result = parse_auth_header(c.input);
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().reason.find(c.reason), std::string::npos)
        << "reason was: " << result.error().reason;
    EXPECT_GT(result.error().column, 0u);
  }
}

TEST(AuthHeader, ErrorReasonsNeverQuoteValues) {
  const std::string_view inputs[] = {
      R"(Digest username="s3cret-user" response="s3cret-hash")",
      R"(Digest username="s3cret-user", response=s3cret/hash)",
      R"(Digest username="s3cret-user", response="s3cret-hash)",
  };
  for (std::string_view input : inputs) {
    auto result = parse_auth_header(input);
    ASSERT_FALSE(result.ok()) << input;
    EXPECT_EQ(result.error().reason.find("s3cret"), std::string::npos) << result.error().reason;
  }
}

TEST(AuthHeader, ToStringQuotesNonTokensAndDropsControlCharacters) {
  AuthHeader h{"Digest",
               {{"username", "bob\r\nX-Injected: 1", true},
                {"realm", "two words", false},
                {"nc", "00000001", false},
                {"opaque", "", false}}};
  const std::string text = h.to_string();
  EXPECT_EQ(text,
            R"(Digest username="bobX-Injected: 1", realm="two words", nc=00000001, opaque="")");
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_TRUE(parse_auth_header(text).ok());
}

TEST(AuthHeader, RoundTrips) {
  const std::string_view inputs[] = {
      R"(Digest realm="asterisk",nonce="1594044374/9e63",opaque="5b2b",algorithm=md5,qop="auth")",
      R"(Digest username="a\"b\\c", realm=x, nc=00000001)",
      R"(NewAuth realm="x", y=z)",
      R"(Digest  realm = "x" ,, nonce=y)",
  };
  for (std::string_view input : inputs) {
    SCOPED_TRACE(std::string(input));
    AuthHeader first = parse_ok(input);
    AuthHeader second = parse_ok(first.to_string());
    EXPECT_EQ(first, second);
    EXPECT_EQ(second.to_string(), first.to_string());
  }
}

TEST(AuthParams, ParsesAuthenticationInfo) {
  auto info = parse_auth_params(
      R"(nextnonce="47364c23432d2e131a5fb210812c", qop=auth, rspauth="6629fae49393a05397450978507c4ef1", cnonce="0a4f113b", nc=00000001)");
  ASSERT_TRUE(info.ok()) << info.error().reason;
  ASSERT_EQ(info->size(), 5u);
  EXPECT_EQ((*info)[0].name, "nextnonce");
  EXPECT_EQ((*info)[1].value, "auth");
  EXPECT_FALSE((*info)[1].quoted);
  EXPECT_EQ(
      format_auth_params(*info),
      R"(nextnonce="47364c23432d2e131a5fb210812c", qop=auth, rspauth="6629fae49393a05397450978507c4ef1", cnonce="0a4f113b", nc=00000001)");
  auto again = parse_auth_params(format_auth_params(*info));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *info);

  EXPECT_FALSE(parse_auth_params("").ok());
  EXPECT_FALSE(parse_auth_params("Digest nextnonce=x").ok());
  EXPECT_FALSE(parse_auth_params("nextnonce=\"x").ok());
}

// ---- Digest challenges ----

TEST(DigestChallenge, ReadsAllDirectives) {
  auto c = digest_challenge(parse_ok(
      R"(digest realm="atlanta.com", domain="sip:ss1.carrier.com  sip:ss2.carrier.com", qop="auth, auth-int", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="5ccc069c403ebaf9f0171e9517f40e41", stale=TRUE, algorithm=SHA-256, userhash=true)"));
  ASSERT_TRUE(c.ok()) << c.error().reason;
  EXPECT_EQ(c->realm, "atlanta.com");
  EXPECT_EQ(c->nonce, "f84f1cec41e6cbe5aea9c8e88d359");
  EXPECT_EQ(c->opaque, "5ccc069c403ebaf9f0171e9517f40e41");
  EXPECT_EQ(c->algorithm, "SHA-256");
  EXPECT_EQ(c->qop, (std::vector<std::string>{"auth", "auth-int"}));
  EXPECT_TRUE(c->stale);
  EXPECT_EQ(c->domain, (std::vector<std::string>{"sip:ss1.carrier.com", "sip:ss2.carrier.com"}));
  EXPECT_TRUE(c->userhash);
}

TEST(DigestChallenge, AppliesDefaultsAndToleratesVariants) {
  auto minimal = digest_challenge(parse_ok(R"(Digest realm="asterisk", nonce="1")"));
  ASSERT_TRUE(minimal.ok());
  EXPECT_EQ(minimal->algorithm, "MD5");
  EXPECT_TRUE(minimal->qop.empty());
  EXPECT_FALSE(minimal->stale);
  EXPECT_FALSE(minimal->userhash);
  EXPECT_TRUE(minimal->domain.empty());

  // Unquoted qop, quoted stale, unknown directives (RFC 7616 charset) are all accepted.
  auto loose = digest_challenge(
      parse_ok(R"(Digest realm="r", nonce="n", qop=auth, stale="true", charset=UTF-8)"));
  ASSERT_TRUE(loose.ok());
  EXPECT_EQ(loose->qop, std::vector<std::string>{"auth"});
  EXPECT_TRUE(loose->stale);

  auto not_stale = digest_challenge(parse_ok(R"(Digest realm="r", nonce="n", stale=FALSE)"));
  ASSERT_TRUE(not_stale.ok());
  EXPECT_FALSE(not_stale->stale);
}

TEST(DigestChallenge, RejectsWrongSchemeAndMissingDirectives) {
  const struct {
    std::string_view input;
    std::string_view reason;
  } cases[] = {
      {R"(Basic realm="r")", "scheme is 'Basic', expected 'Digest'"},
      {R"(Digest nonce="n")", "lack the required 'realm'"},
      {R"(Digest realm="r")", "lack the required 'nonce'"},
      {R"(Digest realm="r", nonce="n", nonce="m")", "'nonce' appears twice"},
      {R"(Digest realm="r", nonce="n", QOP="auth", qop="auth-int")", "'qop' appears twice"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.input));
    auto result = digest_challenge(parse_ok(c.input));
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().reason.find(c.reason), std::string::npos) << result.error().reason;
  }
}

TEST(DigestChallenge, SerializesWithRfcQuotingAndRoundTrips) {
  DigestChallenge c;
  c.realm = "atlanta.com";
  c.domain = {"sip:ss1.carrier.com", "sip:ss2.carrier.com"};
  c.nonce = "ea9c8e88df84f1cec4341ae6cbe5a359";
  c.opaque = "a\"b";
  c.stale = true;
  c.algorithm = "SHA-256";
  c.qop = {"auth", "auth-int"};
  c.userhash = true;
  const AuthHeader h = to_auth_header(c);
  EXPECT_EQ(h.to_string(),
            R"(Digest realm="atlanta.com", domain="sip:ss1.carrier.com sip:ss2.carrier.com", )"
            R"(nonce="ea9c8e88df84f1cec4341ae6cbe5a359", opaque="a\"b", stale=true, )"
            R"(algorithm=SHA-256, qop="auth,auth-int", userhash=true)");
  auto back = digest_challenge(parse_ok(h.to_string()));
  ASSERT_TRUE(back.ok()) << back.error().reason;
  EXPECT_EQ(*back, c);

  DigestChallenge minimal;
  minimal.realm = "r";
  minimal.nonce = "n";
  EXPECT_EQ(to_auth_header(minimal).to_string(), R"(Digest realm="r", nonce="n", algorithm=MD5)");
  auto minimal_back = digest_challenge(parse_ok(to_auth_header(minimal).to_string()));
  ASSERT_TRUE(minimal_back.ok());
  EXPECT_EQ(*minimal_back, minimal);
}

// ---- Digest credentials ----

TEST(DigestCredentials, ReadsRealWorldAuthorizations) {
  const struct {
    std::string_view name;
    std::string_view value;
    std::string_view username;
    std::string_view qop;
    std::string_view algorithm;
  } cases[] = {
      {"softphone, no spaces",
       R"(Digest username="1001",realm="asterisk",nonce="1594044374/9e63",uri="sip:pbx.example.com",response="d2f5a1b7c8e9f0a1b2c3d4e5f6a7b8c9",cnonce="a1b2c3",nc=00000001,qop=auth,algorithm=MD5,opaque="5b2b")",
       "1001", "auth", "MD5"},
      {"old client quoting qop",
       R"(Digest username="bob", realm="biloxi.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:bob@biloxi.com", qop="auth", nc=0000000A, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41")",
       "bob", "auth", ""},
      {"no qop (RFC 2069 style)",
       R"(Digest username="alice", realm="atlanta.com", nonce="84a4cc6f3082121f32b42a2187831a9e", uri="sip:alice@atlanta.com", response="7587245234b3434cc3412213e5f113a5")",
       "alice", "", ""},
      {"RFC 7616 SHA-256",
       R"(Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS")",
       "Mufasa", "auth", "SHA-256"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto creds = digest_credentials(parse_ok(c.value));
    ASSERT_TRUE(creds.ok()) << creds.error().reason;
    EXPECT_EQ(creds->username, c.username);
    EXPECT_EQ(creds->qop, c.qop);
    EXPECT_EQ(creds->algorithm, c.algorithm);
    EXPECT_FALSE(creds->uri.empty());
    EXPECT_FALSE(creds->response.empty());
  }
}

TEST(DigestCredentials, DecodesExtendedUsername) {
  auto creds = digest_credentials(parse_ok(
      R"(Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm="api@example.org", uri="/doe.json", algorithm=SHA-512-256, nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", nc=00000001, cnonce="NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v", qop=auth, response="ae66e67d6b427bd3f120414a82e4acff38e8ecd9101d6c861229025f607a79dd", opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", userhash=false)"));
  ASSERT_TRUE(creds.ok()) << creds.error().reason;
  EXPECT_EQ(creds->username, "J\xC3\xA4s\xC3\xB8n Doe");
  EXPECT_EQ(creds->algorithm, "SHA-512-256");
  EXPECT_FALSE(creds->userhash);

  auto hashed = digest_credentials(parse_ok(
      R"(Digest username="488869477bf257147b804c45308cd62ac4e25eb717b12b298c79e62dcea254ec", realm="api@example.org", uri="/doe.json", nonce="n", response="r", userhash=true)"));
  ASSERT_TRUE(hashed.ok());
  EXPECT_TRUE(hashed->userhash);
}

TEST(DigestCredentials, RejectsMissingOrInconsistentDirectives) {
  const std::string base = R"(realm="r", nonce="n", uri="sip:a@b", response="abc")";
  const struct {
    std::string input;
    std::string_view reason;
  } cases[] = {
      {R"(Basic username="u", )" + base, "scheme is 'Basic'"},
      {"Digest " + base, "lack the required 'username'"},
      {R"(Digest username="u", nonce="n", uri="u", response="r")", "lack the required 'realm'"},
      {R"(Digest username="u", realm="r", uri="u", response="r")", "lack the required 'nonce'"},
      {R"(Digest username="alice", realm="atlanta.com", nonce="84a4cc6f", response="7587")",
       "lack the required 'uri'"},  // RFC 3261 §20.7's example omits uri
      {R"(Digest username="u", realm="r", nonce="n", uri="u")", "lack the required 'response'"},
      {R"(Digest username="u", )" + base + R"(, qop=auth, cnonce="c")", "'nc' must be 8 hex"},
      {R"(Digest username="u", )" + base + R"(, qop=auth, cnonce="c", nc=0000001)",
       "'nc' must be 8 hex"},
      {R"(Digest username="u", )" + base + R"(, qop=auth, cnonce="c", nc=0000000g)",
       "'nc' must be 8 hex"},
      {R"(Digest username="u", )" + base + R"(, qop=auth, nc=00000001)",
       "lack the required 'cnonce'"},
      {R"(Digest username="u", )" + base + R"(, qop="auth,auth-int", cnonce="c", nc=00000001)",
       "single 'qop' value"},
      {R"(Digest username="u", username*=UTF-8''u, )" + base, "both 'username' and 'username*'"},
      {R"(Digest username*=latin1''u, )" + base, "'username*' is not a valid UTF-8 ext-value"},
      {R"(Digest username*=UTF-8''%zz, )" + base, "'username*' is not a valid UTF-8 ext-value"},
      {R"(Digest username*=UTF-8''a%0Db, )" + base, "'username*' is not a valid UTF-8 ext-value"},
      {R"(Digest username*=UTF-8, )" + base, "'username*' is not a valid UTF-8 ext-value"},
      {R"(Digest username="u", username="v", )" + base, "'username' appears twice"},
      {R"(Digest username="u", )" + base + R"(, Response="x")", "'response' appears twice"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    auto result = digest_credentials(parse_ok(c.input));
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().reason.find(c.reason), std::string::npos) << result.error().reason;
  }
}

TEST(DigestCredentials, SerializesWithRfcQuotingAndRoundTrips) {
  DigestCredentials c;
  c.username = "Mufasa";
  c.realm = "http-auth@example.org";
  c.nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
  c.uri = "sip:bob@biloxi.example.com;transport=tcp";
  c.response = "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1";
  c.algorithm = "SHA-256";
  c.cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
  c.opaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";
  c.qop = "auth";
  c.nc = "00000001";
  const std::string text = to_auth_header(c).to_string();
  EXPECT_EQ(text,
            R"(Digest username="Mufasa", realm="http-auth@example.org", )"
            R"(nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", )"
            R"(uri="sip:bob@biloxi.example.com;transport=tcp", )"
            R"(response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", )"
            R"(algorithm=SHA-256, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", )"
            R"(opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", qop=auth, nc=00000001)");
  auto back = digest_credentials(parse_ok(text));
  ASSERT_TRUE(back.ok()) << back.error().reason;
  EXPECT_EQ(*back, c);

  DigestCredentials minimal;
  minimal.username = R"(a "quoted" \ name)";
  minimal.realm = "r";
  minimal.nonce = "n";
  minimal.uri = "sip:r";
  minimal.response = "0";
  minimal.userhash = true;
  const std::string minimal_text = to_auth_header(minimal).to_string();
  EXPECT_EQ(minimal_text,
            R"(Digest username="a \"quoted\" \\ name", realm="r", nonce="n", uri="sip:r", )"
            R"(response="0", userhash=true)");
  auto minimal_back = digest_credentials(parse_ok(minimal_text));
  ASSERT_TRUE(minimal_back.ok()) << minimal_back.error().reason;
  EXPECT_EQ(*minimal_back, minimal);
}

// ---- Robustness ----

TEST(AuthHeader, NeverCrashesOnTruncationsAndJunk) {
  const std::string sample =
      R"(Digest username*=UTF-8''J%C3%A4s, realm="a \"b\"", nonce=x, qop=auth, nc=00000001, cnonce="c", uri="u", response="r")";
  std::vector<std::string> inputs;
  for (size_t n = 0; n <= sample.size(); ++n) inputs.push_back(sample.substr(0, n));
  std::mt19937 rng(11);
  const std::string alphabet = "Dda=\"\\ \t,*'%\x01\xff";
  for (int i = 0; i < 3000; ++i) {
    std::string junk = "Digest ";
    junk.resize(junk.size() + rng() % 32);
    for (size_t k = 7; k < junk.size(); ++k) junk[k] = alphabet[rng() % alphabet.size()];
    inputs.push_back(junk);
  }
  for (const std::string& input : inputs) {
    auto header = parse_auth_header(input);
    (void)parse_auth_params(input);
    if (!header.ok()) continue;
    (void)digest_challenge(*header);
    (void)digest_credentials(*header);
    auto again = parse_auth_header(header->to_string());
    ASSERT_TRUE(again.ok()) << input;
    EXPECT_EQ(again->to_string(), header->to_string());
  }
}

}  // namespace
}  // namespace tandem::sip
