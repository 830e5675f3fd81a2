// What the gateway serves at "/" besides the API: the static files of listen.web_root (the
// bundled softphone) and demo mode's token desk ([demo], gateway::DemoTokenHandler). Built from
// a validated Config; add_to() must run before other routes claim "GET /" (the router keeps the
// first of two equal exact routes), so the softphone, not the pre-call redirect, answers "/".
#pragma once

#include <memory>
#include <optional>

#include "app/config.hpp"
#include "common/result.hpp"
#include "gateway/demo_token_handler.hpp"
#include "http/http_router.hpp"
#include "http/static_files.hpp"

namespace tandem::app {

class WebRoutes {
 public:
  // Errors: demo mode without a signing key (validation normally catches it first).
  static Result<std::unique_ptr<WebRoutes>> create(const Config& config);

  // Registers the routes; `this` must outlive the router's use.
  void add_to(http::HttpRouter& router) const;

 private:
  WebRoutes() = default;
  http::HttpResponse serve_file(const http::HttpRequest& request) const;

  std::optional<http::StaticFiles> files_;
  std::unique_ptr<gateway::DemoTokenHandler> demo_;
};

}  // namespace tandem::app
