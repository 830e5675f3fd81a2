#include "gateway/request_auth.hpp"

#include <gtest/gtest.h>

#include "gateway/token_minter.hpp"

namespace tandem::gateway {
namespace {

using std::chrono::seconds;

const WallTime kNow = WallTime(seconds(1'700'000'000));

TEST(FindRequestToken, HeaderAndQuery) {
  struct Case {
    const char* target;
    const char* authorization;
    std::optional<std::string> token;
  };
  const Case cases[] = {
      {"/sip?token=abc.def.ghi", "", "abc.def.ghi"},
      {"/sip?x=1&token=abc&y=2", "", "abc"},
      {"?token=a%2Eb", "", "a.b"},
      {"token=abc", "", "abc"},
      {"/sip", "Bearer abc.def", "abc.def"},
      {"/sip", "bearer   abc.def  ", "abc.def"},
      {"/sip?token=fromquery", "Bearer fromheader", "fromheader"},  // the header wins
      {"/sip?token=fromquery", "Basic dXNlcjpwYXNz", "fromquery"},
      {"/sip", "Bearer", std::nullopt},
      {"/sip", "Bearer    ", std::nullopt},
      {"/sip", "", std::nullopt},
      {"/sip?tokens=abc", "", std::nullopt},
      {"/sip?xtoken=abc", "", std::nullopt},
      {"/sip?access_token=abc", "", "abc"},
      {"/sip?token", "", std::nullopt},
      {"/sip?token=", "", std::nullopt},
      {"/sip?token=%zz", "", std::nullopt},
      {"/sip?token=%4", "", std::nullopt},
      {"/token=abc", "", std::nullopt},  // a path, not a query
  };
  for (const Case& c : cases) {
    EXPECT_EQ(find_request_token(c.target, c.authorization), c.token)
        << c.target << " / " << c.authorization;
  }
}

TEST(AuthenticateRequest, StatusAndChallenge) {
  const JwtKey key = JwtKey::hmac_secret(std::string(40, 's')).value();
  TokenVerifierConfig config;
  config.keys = {key};
  config.audience = "tandem";
  const TokenVerifier verifier = TokenVerifier::create(config).value();
  const std::string token = mint_token(key, {"1001", "tandem", seconds(60), {}}, kNow).value();

  const RequestAuth ok = authenticate_request(verifier, "/sip", "Bearer " + token, kNow);
  ASSERT_TRUE(ok.result);
  EXPECT_EQ(ok.http_status, 200u);
  EXPECT_EQ(ok.result.identity().subject, "1001");

  const RequestAuth missing = authenticate_request(verifier, "/sip", "", kNow);
  EXPECT_EQ(missing.http_status, 401u);
  EXPECT_EQ(missing.result.rejection().failure, TokenFailure::kMissing);
  EXPECT_EQ(missing.www_authenticate, "Bearer realm=\"tandem\"");

  const RequestAuth expired =
      authenticate_request(verifier, "/sip?token=" + token, "", kNow + seconds(3600));
  EXPECT_EQ(expired.http_status, 401u);
  EXPECT_EQ(expired.result.rejection().failure, TokenFailure::kExpired);
  EXPECT_EQ(expired.www_authenticate,
            "Bearer realm=\"tandem\", error=\"invalid_token\", error_description=\"expired\"");
}

}  // namespace
}  // namespace tandem::gateway
