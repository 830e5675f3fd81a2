#include "app/web_routes.hpp"

#include <spdlog/spdlog.h>

#include "app/config_keys.hpp"

namespace tandem::app {

namespace {

bool under_api(const std::string& path) { return path.rfind("/api/", 0) == 0; }

}  // namespace

Result<std::unique_ptr<WebRoutes>> WebRoutes::create(const Config& config) {
  auto routes = std::unique_ptr<WebRoutes>(new WebRoutes());
  if (!config.listen.web_root.empty()) {
    routes->files_.emplace(config.listen.web_root, "/");
    spdlog::info("serving the files of {} at /", config.listen.web_root);
  }
  if (!config.demo.enabled) {
    return routes;
  }
  ConfigErrors errors;
  AuthKeys keys = load_auth_keys(config.auth, errors);
  if (!errors.empty()) {
    return Error{errors.front().describe()};
  }
  if (keys.sign.empty()) {
    return Error{
        "demo.enabled: demo mode mints tokens and needs auth.hs256_secret or a private key"};
  }
  gateway::DemoTokenConfig demo{config.auth.audience, config.demo.token_ttl, config.demo.users};
  routes->demo_ = std::make_unique<gateway::DemoTokenHandler>(
      std::move(keys.sign.front()), std::move(demo), [] { return gateway::WallClock::now(); });
  spdlog::warn(
      "DEMO MODE IS ON ([demo] enabled = true): anyone who can reach this port can get a token "
      "for {} at POST {}; never enable it on a gateway that matters",
      config.demo.users.empty() ? std::string("any user") : "the [demo] users",
      gateway::DemoTokenHandler::kTokenPath);
  return routes;
}

void WebRoutes::add_to(http::HttpRouter& router) const {
  if (demo_) {
    demo_->add_to(router);
  } else {
    gateway::DemoTokenHandler::add_disabled_to(router);
  }
  if (!files_) {
    return;
  }
  const auto serve = [this](const http::HttpRequest& request, const http::Reply& reply) {
    reply(serve_file(request));
  };
  router.add("GET", "/", serve);
  router.add_prefix("GET", "/", serve);
}

http::HttpResponse WebRoutes::serve_file(const http::HttpRequest& request) const {
  // An unknown API path is an API error, not a missing page.
  if (under_api(request.path)) {
    return http::HttpResponse::json(
        404, "{\"error\": " + http::json_quote("no such path: " + request.path) + "}");
  }
  return files_->serve(request.path);
}

}  // namespace tandem::app
