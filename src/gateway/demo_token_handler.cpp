#include "gateway/demo_token_handler.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "gateway/token_minter.hpp"

namespace tandem::gateway {

using nlohmann::json;

namespace {

http::HttpResponse error(unsigned status, const char* code, const std::string& detail) {
  return http::HttpResponse::json(status, json{{"error", code}, {"detail", detail}}.dump());
}

// The characters of a plain SIP user part we accept for a demo login: what extensions and
// account names are made of, nothing that needs escaping in a URI or a log line.
bool is_user_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
         c == '_' || c == '-' || c == '+';
}

}  // namespace

http::HttpResponse DemoTokenHandler::info() const {
  return http::HttpResponse::json(
      200,
      json{{"enabled", true}, {"users", config_.users}, {"token_ttl", config_.ttl.count()}}.dump());
}

http::HttpResponse DemoTokenHandler::mint(const http::HttpRequest& request) const {
  // The body is JSON whatever the Content-Type says (curl -d sends a form type).
  const json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("user") ||
      !body["user"].is_string()) {
    return error(400, "bad-request", "expected a JSON object like {\"user\":\"1000\"}");
  }
  const std::string user = body["user"].get<std::string>();
  if (user.empty() || user.size() > kMaxUserLength ||
      !std::all_of(user.begin(), user.end(), is_user_char)) {
    return error(400, "bad-request",
                 "user must be 1-" + std::to_string(kMaxUserLength) +
                     " letters, digits or . _ - + characters");
  }
  if (!config_.users.empty() &&
      std::find(config_.users.begin(), config_.users.end(), user) == config_.users.end()) {
    return error(403, "user-not-allowed", "demo mode mints tokens only for [demo] users");
  }
  TokenClaims claims;
  claims.subject = user;
  claims.audience = config_.audience;
  claims.ttl = config_.ttl;
  auto token = mint_token(key_, claims, now_());
  if (!token) {
    return error(500, "internal", token.error().reason);
  }
  return http::HttpResponse::json(
      200, json{{"token", *token}, {"expires_in", config_.ttl.count()}, {"user", user}}.dump());
}

void DemoTokenHandler::add_to(http::HttpRouter& router) const {
  router.add("GET", kInfoPath,
             [this](const http::HttpRequest&, const http::Reply& reply) { reply(info()); });
  router.add(
      "POST", kTokenPath,
      [this](const http::HttpRequest& request, const http::Reply& reply) { reply(mint(request)); });
}

void DemoTokenHandler::add_disabled_to(http::HttpRouter& router) {
  const auto off = [](const http::HttpRequest&, const http::Reply& reply) {
    reply(error(404, "demo-disabled", "demo mode is off ([demo] enabled = false)"));
  };
  for (const char* method : {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS"}) {
    router.add(method, kInfoPath, off);
    router.add(method, kTokenPath, off);
  }
}

}  // namespace tandem::gateway
