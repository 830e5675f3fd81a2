// Demo mode's token desk ([demo] enabled = true): anyone who can reach the port may ask for a
// short-lived token for a demo extension, so a first-time user can log in to the bundled
// softphone without running `tandem token`. Never for production: it hands out identities.
//   GET  /api/demo        -> {"enabled":true,"users":[...]}  (the softphone shows its demo login)
//   POST /api/demo/token  {"user":"1000"} -> {"token":"<jwt>","expires_in":N}
// Bad input gets 400, a user outside [demo] users 403, both with {"error":..,"detail":..}.
// With demo mode off both paths answer 404 (add_disabled_to), whatever else is served at "/".
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "gateway/jwt_key.hpp"
#include "gateway/token_verifier.hpp"
#include "http/http_router.hpp"
#include "http/http_types.hpp"

namespace tandem::gateway {

struct DemoTokenConfig {
  std::string audience;            // the tokens' "aud" (auth.audience)
  std::chrono::seconds ttl{3600};  // demo.token_ttl
  std::vector<std::string> users;  // demo.users; empty: any valid user name
};

class DemoTokenHandler {
 public:
  static constexpr const char* kInfoPath = "/api/demo";
  static constexpr const char* kTokenPath = "/api/demo/token";
  // Longest user name accepted; SIP user parts of real extensions are far shorter.
  static constexpr size_t kMaxUserLength = 64;

  DemoTokenHandler(JwtKey key, DemoTokenConfig config, std::function<WallTime()> now)
      : key_(std::move(key)), config_(std::move(config)), now_(std::move(now)) {}

  http::HttpResponse info() const;
  http::HttpResponse mint(const http::HttpRequest& request) const;

  // Registers GET kInfoPath and POST kTokenPath; the handler must outlive the router's use.
  void add_to(http::HttpRouter& router) const;
  // Demo mode off: both paths answer 404 {"error":"demo-disabled"} for any method.
  static void add_disabled_to(http::HttpRouter& router);

 private:
  JwtKey key_;
  DemoTokenConfig config_;
  std::function<WallTime()> now_;
};

}  // namespace tandem::gateway
