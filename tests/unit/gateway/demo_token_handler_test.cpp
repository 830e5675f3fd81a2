#include "gateway/demo_token_handler.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace tandem::gateway {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class DemoTokenHandlerTest : public ::testing::Test {
 protected:
  DemoTokenHandlerTest()
      : key_(JwtKey::hmac_secret(std::string(40, 'k')).value()), verifier_(make_verifier(key_)) {}

  static TokenVerifier make_verifier(const JwtKey& key) {
    TokenVerifierConfig config;
    config.keys = {key};
    config.audience = "tandem";
    return TokenVerifier::create(config).value();
  }

  DemoTokenHandler handler(std::vector<std::string> users = {}) {
    return DemoTokenHandler(key_, {"tandem", seconds(300), std::move(users)},
                            [this] { return now_; });
  }

  static http::HttpRequest post(std::string body, std::string type = "application/json") {
    http::HttpRequest request;
    request.method = "POST";
    request.path = DemoTokenHandler::kTokenPath;
    request.content_type = std::move(type);
    request.body = std::move(body);
    return request;
  }

  // Dispatches through a router, as the gateway's HTTP edge does.
  static http::HttpResponse route(const http::HttpRouter& router, const std::string& method,
                                  const std::string& path, const std::string& body = "") {
    http::HttpRequest request = post(body);
    request.method = method;
    request.path = path;
    http::HttpResponse out;
    bool replied = false;
    router.dispatch(request, [&](http::HttpResponse r) {
      out = std::move(r);
      replied = true;
    });
    EXPECT_TRUE(replied);
    return out;
  }

  WallTime now_ = WallTime(seconds(1'700'000'000));
  JwtKey key_;
  TokenVerifier verifier_;
};

TEST_F(DemoTokenHandlerTest, MintsAShortLivedTokenTheVerifierAccepts) {
  const auto response = handler().mint(post(R"({"user":"1000"})"));
  ASSERT_EQ(response.status, 200u) << response.body;
  EXPECT_EQ(response.content_type, "application/json");
  const json body = json::parse(response.body);
  EXPECT_EQ(body["expires_in"], 300);
  EXPECT_EQ(body["user"], "1000");
  const TokenResult ok = verifier_.verify(body["token"].get<std::string>(), now_);
  ASSERT_TRUE(ok) << ok.rejection().describe();
  EXPECT_EQ(ok.identity().subject, "1000");
  EXPECT_EQ(ok.identity().expires, now_ + seconds(300));
  EXPECT_FALSE(ok.identity().allow.has_value());
  // Short-lived: refused once token_ttl (and the verifier's 30 s clock skew) has passed.
  EXPECT_FALSE(verifier_.verify(body["token"].get<std::string>(), now_ + seconds(300 + 31)));
  // The body counts, not the Content-Type (curl -d sends a form type, fetch may send none).
  EXPECT_EQ(handler().mint(post(R"({"user":"1001"})", "")).status, 200u);
  EXPECT_EQ(handler().mint(post(R"({"user":"1001"})", "application/x-www-form-urlencoded")).status,
            200u);
}

TEST_F(DemoTokenHandlerTest, BadInputIs400WithAReason) {
  const std::string too_long(DemoTokenHandler::kMaxUserLength + 1, '1');
  const std::pair<std::string, std::string> cases[] = {
      {"", "application/json"},
      {"not json", "application/json"},
      {"[\"1000\"]", "application/json"},
      {"{}", "application/json"},
      {R"({"user":1000})", "application/json"},
      {R"({"user":""})", "application/json"},
      {R"({"user":"10 00"})", "application/json"},
      {R"({"user":"1000@evil"})", "application/json"},
      {R"({"user":"a\nb"})", "application/json"},
      {R"({"user":")" + too_long + R"("})", "application/json"},
      {"user=1000", "application/x-www-form-urlencoded"},
  };
  const DemoTokenHandler h = handler();
  for (const auto& [body, type] : cases) {
    const auto response = h.mint(post(body, type));
    EXPECT_EQ(response.status, 400u) << body;
    const json j = json::parse(response.body);
    EXPECT_EQ(j["error"], "bad-request") << body;
    EXPECT_FALSE(j["detail"].get<std::string>().empty());
    EXPECT_EQ(response.body.find("token\""), std::string::npos);
  }
}

TEST_F(DemoTokenHandlerTest, UsersOutsideTheListAre403) {
  const DemoTokenHandler h = handler({"1000", "1001"});
  EXPECT_EQ(h.mint(post(R"({"user":"1001"})")).status, 200u);
  const auto refused = h.mint(post(R"({"user":"2000"})"));
  EXPECT_EQ(refused.status, 403u);
  EXPECT_EQ(json::parse(refused.body)["error"], "user-not-allowed");
  const json info = json::parse(h.info().body);
  EXPECT_EQ(info["enabled"], true);
  EXPECT_EQ(info["users"], (json{"1000", "1001"}));
  EXPECT_EQ(info["token_ttl"], 300);
}

TEST_F(DemoTokenHandlerTest, RoutesWhenOnAnd404WhenOff) {
  const DemoTokenHandler h = handler();
  http::HttpRouter on;
  h.add_to(on);
  EXPECT_EQ(route(on, "GET", "/api/demo").status, 200u);
  EXPECT_EQ(json::parse(route(on, "GET", "/api/demo").body)["users"], json::array());
  EXPECT_EQ(route(on, "POST", "/api/demo/token", R"({"user":"1000"})").status, 200u);
  EXPECT_EQ(route(on, "GET", "/api/demo/token").status, 405u);

  http::HttpRouter off;
  DemoTokenHandler::add_disabled_to(off);
  for (const auto& [method, path] : {std::pair{"GET", "/api/demo"}, {"POST", "/api/demo/token"}}) {
    const auto response = route(off, method, path, R"({"user":"1000"})");
    EXPECT_EQ(response.status, 404u) << path;
    EXPECT_EQ(json::parse(response.body)["error"], "demo-disabled");
  }
}

}  // namespace
}  // namespace tandem::gateway
