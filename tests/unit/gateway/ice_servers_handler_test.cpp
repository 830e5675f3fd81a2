#include "gateway/ice_servers_handler.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gateway/token_minter.hpp"
#include "gateway/turn_credentials.hpp"

namespace tandem::gateway {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class IceServersHandlerTest : public ::testing::Test {
 protected:
  IceServersHandlerTest()
      : key_(JwtKey::hmac_secret(std::string(40, 'k')).value()),
        verifier_(make_verifier(key_)),
        handler_(verifier_,
                 {{"stun:127.0.0.1:3478"},
                  {"turn:127.0.0.1:3478?transport=udp", "turn:127.0.0.1:3478?transport=tcp"},
                  "turn-secret",
                  seconds(600)},
                 [this] { return now_; }) {}

  static TokenVerifier make_verifier(const JwtKey& key) {
    TokenVerifierConfig config;
    config.keys = {key};
    config.audience = "tandem";
    return TokenVerifier::create(config).value();
  }

  http::HttpResponse get(const std::string& query, const std::string& authorization = "") {
    http::HttpRequest request;
    request.method = "GET";
    request.path = IceServersHandler::kPath;
    request.query = query;
    request.authorization = authorization;
    return handler_.handle(request);
  }

  std::string token(const std::string& sub, seconds ttl = seconds(60)) {
    return mint_token(key_, {sub, "tandem", ttl, {}}, now_).value();
  }

  WallTime now_ = WallTime(seconds(1'700'000'000));
  JwtKey key_;
  TokenVerifier verifier_;
  IceServersHandler handler_;
};

TEST_F(IceServersHandlerTest, ReturnsStunAndTurnWithRestCredentials) {
  const auto response = get("", "Bearer " + token("1001"));
  ASSERT_EQ(response.status, 200u) << response.body;
  EXPECT_EQ(response.content_type, "application/json");
  const json body = json::parse(response.body);
  EXPECT_EQ(body["ttl"], 600);
  ASSERT_EQ(body["iceServers"].size(), 2u);
  EXPECT_EQ(body["iceServers"][0], (json{{"urls", {"stun:127.0.0.1:3478"}}}));
  const json& turn = body["iceServers"][1];
  EXPECT_EQ(turn["urls"].size(), 2u);
  EXPECT_EQ(turn["username"], "1700000600:1001");
  const auto expected =
      make_turn_credential("turn-secret", "1001", now_ + seconds(600)).value().credential;
  EXPECT_EQ(turn["credential"], expected);
  // The same through ?token=.
  EXPECT_EQ(get("token=" + token("1001")).status, 200u);
}

TEST_F(IceServersHandlerTest, RefusalsSayWhy) {
  struct Case {
    std::string query, authorization, code;
  };
  const std::string good = token("1001");
  std::string forged = good;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  const std::string other_aud =
      mint_token(key_, {"1001", "someone-else", seconds(60), {}}, now_).value();
  const Case cases[] = {
      {"", "", "missing_token"},
      {"", "Bearer " + forged, "bad_signature"},
      {"token=garbage", "", "malformed"},
      {"", "Bearer " + other_aud, "wrong_audience"},
  };
  for (const Case& c : cases) {
    const auto response = get(c.query, c.authorization);
    EXPECT_EQ(response.status, 401u) << c.code;
    const json body = json::parse(response.body);
    EXPECT_EQ(body["error"], c.code) << response.body;
    EXPECT_TRUE(body["detail"].is_string());
    EXPECT_EQ(response.body.find(good.substr(good.rfind('.'))), std::string::npos);
    ASSERT_EQ(response.headers.size(), 1u);
    EXPECT_EQ(response.headers[0].first, "WWW-Authenticate");
  }
  const std::string t = token("1001", seconds(60));
  now_ += seconds(3600);
  const auto expired = get("token=" + t);
  EXPECT_EQ(expired.status, 401u);
  EXPECT_EQ(json::parse(expired.body)["error"], "expired");
}

}  // namespace
}  // namespace tandem::gateway
