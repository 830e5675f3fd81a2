// The HTTP API on the SIP WebSocket port: requests that are not upgrades (sip::WsOptions::
// http_fallback) are converted to the http module's plain values, routed by an HttpRouter (GET
// /api/ice-servers, the pre-call echo), and the reply converted back. One host:port then serves
// both, as [listen] ws/wss promise.
#pragma once

#include <functional>

#include "http/http_router.hpp"
#include "sip/ws_upgrade.hpp"

namespace tandem::app {

// `router` must outlive every use of the handler. `refuse_all` (may be empty) answers every
// request with 503 while it returns true (shutting down).
sip::WsHttpHandler make_ws_http_handler(const http::HttpRouter& router,
                                        std::function<bool()> refuse_all = {});

}  // namespace tandem::app
