#include "app/ws_http_bridge.hpp"

#include "common/text.hpp"

namespace tandem::app {

namespace bhttp = boost::beast::http;

namespace {

http::HttpRequest to_plain(const sip::WsUpgradeRequest& req, const std::string& remote) {
  http::HttpRequest request;
  request.method = std::string(req.method_string());
  const std::string_view target(req.target().data(), req.target().size());
  const size_t q = target.find('?');
  request.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) request.query = std::string(target.substr(q + 1));
  const auto type = req[bhttp::field::content_type];
  const std::string_view type_view(type.data(), type.size());
  request.content_type = to_lower(trim(type_view.substr(0, type_view.find(';'))));
  request.body = req.body();
  request.remote = remote;
  const auto authorization = req[bhttp::field::authorization];
  request.authorization.assign(authorization.data(), authorization.size());
  return request;
}

sip::WsHttpResponse to_beast(http::HttpResponse response) {
  sip::WsHttpResponse out;
  out.result(response.status);
  out.set(bhttp::field::content_type, response.content_type);
  out.set(bhttp::field::cache_control, "no-store");
  for (const auto& [name, value] : response.headers) out.set(name, value);
  out.body() = std::move(response.body);
  return out;
}

}  // namespace

sip::WsHttpHandler make_ws_http_handler(const http::HttpRouter& router,
                                        std::function<bool()> refuse_all) {
  return [&router, refuse_all = std::move(refuse_all)](
             const sip::WsUpgradeRequest& req, const std::string& remote, sip::WsHttpReply reply) {
    if (refuse_all && refuse_all()) {
      reply(to_beast(http::HttpResponse::json(503, R"({"error":"shutting down"})")));
      return;
    }
    router.dispatch(to_plain(req, remote), [reply = std::move(reply)](http::HttpResponse r) {
      reply(to_beast(std::move(r)));
    });
  };
}

}  // namespace tandem::app
