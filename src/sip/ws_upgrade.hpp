// The HTTP side of SIP over WebSocket (RFC 7118 §4, RFC 6455 §4.2): what an upgrade request must
// offer, the authorization hook that may refuse it before the upgrade (the gateway's token
// check), and the target redaction that keeps tokens out of logs.
#pragma once

#include <any>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tandem::sip {

using WsUpgradeRequest = boost::beast::http::request<boost::beast::http::string_body>;

// Who the authorizer says is behind a connection, kept with it for its whole life.
struct WsIdentity {
  std::string subject;  // e.g. a token's `sub`: the SIP identity the connection may use
  std::any details;     // anything else the authorizer wants to keep (claims, allowed targets)
};

// The authorizer's answer to an upgrade request.
struct WsUpgradeVerdict {
  static WsUpgradeVerdict accept(WsIdentity identity = {}) {
    return WsUpgradeVerdict{true, std::move(identity), 0, {}};
  }
  // `status` is an HTTP error status (401, 403, ...); `body` says why, briefly, and never echoes
  // the credential.
  static WsUpgradeVerdict refuse(unsigned status, std::string body) {
    return WsUpgradeVerdict{false, {}, status, std::move(body)};
  }

  bool accepted = true;
  WsIdentity identity;
  unsigned status = 0;
  std::string body;
};

// Called with every upgrade request that offers `sip`, before the upgrade is accepted. Its
// target keeps the query string (`/sip?token=...`); headers include Authorization.
using WsUpgradeAuthorizer = std::function<WsUpgradeVerdict(const WsUpgradeRequest&)>;
// The older, simpler hook: an empty optional accepts, a reason refuses with HTTP 401.
using WsUpgradeValidator = std::function<std::optional<std::string>(const WsUpgradeRequest&)>;

// A plain HTTP request on the WebSocket port (not an upgrade): the listener serves both SIP over
// WebSocket and an HTTP API (GET /api/ice-servers) on one host:port. The handler answers through
// `reply`, now or later on the signaling thread, exactly once.
using WsHttpResponse = boost::beast::http::response<boost::beast::http::string_body>;
using WsHttpReply = std::function<void(WsHttpResponse)>;
using WsHttpHandler =
    std::function<void(const WsUpgradeRequest& request, const std::string& remote, WsHttpReply)>;

// RFC 6455 §4.2.1: Sec-WebSocket-Protocol lists tokens, possibly over several header lines.
bool offers_sip_subprotocol(const WsUpgradeRequest& request);

// A request target safe to log: the value of every `token` and `access_token` query parameter
// replaced by "REDACTED" ("/sip?token=REDACTED&x=1").
std::string redact_target(std::string_view target);

}  // namespace tandem::sip
