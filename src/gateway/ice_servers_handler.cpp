#include "gateway/ice_servers_handler.hpp"

#include <nlohmann/json.hpp>

#include "gateway/request_auth.hpp"
#include "gateway/turn_credentials.hpp"

namespace tandem::gateway {

using nlohmann::json;

http::HttpResponse IceServersHandler::handle(const http::HttpRequest& request) const {
  const WallTime now = now_();
  RequestAuth auth =
      authenticate_request(verifier_, "?" + request.query, request.authorization, now);
  if (!auth.result) {
    const TokenRejection& r = auth.result.rejection();
    auto response = http::HttpResponse::json(auth.http_status, rejection_json(r));
    response.headers.emplace_back("WWW-Authenticate", auth.www_authenticate);
    return response;
  }
  json servers = json::array();
  if (!config_.stun_urls.empty()) servers.push_back({{"urls", config_.stun_urls}});
  if (!config_.turn_urls.empty()) {
    auto credential = make_turn_credential(config_.turn_secret, auth.result.identity().subject,
                                           now + config_.credential_ttl);
    if (!credential) {
      return http::HttpResponse::json(
          500, json{{"error", "internal"}, {"detail", credential.error().reason}}.dump());
    }
    servers.push_back({{"urls", config_.turn_urls},
                       {"username", credential->username},
                       {"credential", credential->credential}});
  }
  return http::HttpResponse::json(
      200, json{{"iceServers", servers}, {"ttl", config_.credential_ttl.count()}}.dump());
}

void IceServersHandler::add_to(http::HttpRouter& router) const {
  router.add("GET", kPath, [this](const http::HttpRequest& request, const http::Reply& reply) {
    reply(handle(request));
  });
}

}  // namespace tandem::gateway
