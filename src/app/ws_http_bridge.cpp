#include "app/ws_http_bridge.hpp"

#include "http/beast_messages.hpp"

namespace tandem::app {

sip::WsHttpHandler make_ws_http_handler(const http::HttpRouter& router,
                                        std::function<bool()> refuse_all) {
  return [&router, refuse_all = std::move(refuse_all)](
             const sip::WsUpgradeRequest& req, const std::string& remote, sip::WsHttpReply reply) {
    if (refuse_all && refuse_all()) {
      reply(http::to_beast_response(http::HttpResponse::json(503, R"({"error":"shutting down"})")));
      return;
    }
    router.dispatch(http::to_http_request(req, remote),
                    [reply = std::move(reply)](http::HttpResponse r) {
                      reply(http::to_beast_response(std::move(r)));
                    });
  };
}

}  // namespace tandem::app
