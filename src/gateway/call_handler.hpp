// The seam between the gateway's front door (GatewayCore: it receives every SIP request, knows
// the browsers' WebSocket flows, their token identities and their registrations) and call
// control (CallManager: the B2BUA). GatewayCore decides where an INVITE comes from and whether
// it is allowed; the CallHandler runs the call.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sip/transport.hpp"
#include "sip/uri.hpp"

namespace tandem::sip {
class IncomingInvite;
}

namespace tandem::gateway {

// A browser's live WebSocket connection and who its token says it is.
struct BrowserFlow {
  sip::Flow flow;       // the WS/WSS flow (connection_id identifies the WebSocket)
  std::string subject;  // the token's `sub`: the SIP user this browser may act as
  // The token's `allow` list: destinations it may call; empty optional = no restriction.
  std::optional<std::vector<std::string>> allow;
};

// A browser registered through us: where PBX requests to our Contact for it must go.
struct BrowserBinding {
  BrowserFlow browser;
  sip::Uri browser_contact;  // the Contact the browser registered (its own, e.g. ...invalid)
  std::string contact_user;  // the user part of the Contact we registered at the PBX
};

class CallHandler {
 public:
  virtual ~CallHandler() = default;
  // An INVITE outside a dialog from a browser whose identity GatewayCore checked (From matches
  // the token's subject, the destination is allowed). The handler answers `invite`.
  virtual void on_browser_invite(sip::IncomingInvite& invite, const BrowserFlow& browser) = 0;
  // An INVITE from the PBX side for a registered browser. The handler answers `invite`.
  virtual void on_pbx_invite(sip::IncomingInvite& invite, const BrowserBinding& callee) = 0;
  // The caller cancelled an INVITE handed to one of the above (487 already sent).
  virtual void on_cancelled(sip::IncomingInvite& invite) = 0;
  // A browser's WebSocket closed: end its calls (BYE toward the PBX).
  virtual void on_browser_gone(uint64_t connection_id) = 0;
  // Graceful shutdown: end every call (BYE both legs); `done` once all are gone or timed out.
  virtual void end_all_calls(std::function<void()> done) = 0;
  virtual size_t active_calls() const = 0;
};

}  // namespace tandem::gateway
