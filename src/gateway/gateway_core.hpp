// The gateway's front door: the sip::UserAgent's listener for both sides. It knows which flows
// are browsers' WebSockets and who their tokens say they are (WsTransport::identity), checks
// every browser request against that identity (a REGISTER or INVITE whose From/AOR is not the
// token's `sub`, or an INVITE to a destination outside its `allow` list, gets 403), and hands
// REGISTERs to the RegistrationRelay and INVITEs to the CallHandler: a browser's toward the PBX,
// a PBX's to one of our registration Contacts toward its browser (480 when that browser is gone).
// A closed WebSocket un-REGISTERs its bindings and ends its calls. OPTIONS outside a dialog: 200.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "gateway/call_handler.hpp"
#include "gateway/registration_relay.hpp"
#include "gateway/token_verifier.hpp"
#include "sip/user_agent.hpp"
#include "sip/ws_transport.hpp"

namespace tandem::gateway {

class GatewayCore final : public sip::UserAgent::Listener {
 public:
  GatewayCore() = default;
  GatewayCore(const GatewayCore&) = delete;
  GatewayCore& operator=(const GatewayCore&) = delete;

  // The parts it dispatches to; they outlive the core's use. The user agent is built with this
  // core as its listener, so these are set after construction. `calls` may be null: INVITEs
  // then get 503.
  void attach(sip::UserAgent& ua, RegistrationRelay& relay, CallHandler* calls);
  // A WS or WSS transport browsers connect to (its authorizer stores a TokenIdentity).
  void add_browser_transport(sip::WsTransport& transport);

  // The browser behind `flow`, when it is a live WebSocket with a token identity.
  std::optional<BrowserFlow> browser_for(const sip::Flow& flow) const;
  // StreamOptions::on_connection_closed of the browser transports.
  void on_connection_closed(const sip::Flow& flow);

  // sip::UserAgent::Listener
  void on_invite(sip::IncomingInvite& invite) override;
  void on_cancelled(sip::IncomingInvite& invite) override;
  void on_request_outside_dialog(sip::UserAgent& ua, const sip::IncomingRequest& request) override;

  // The identity a browser WebSocket carries: WsIdentity::details holds this.
  static sip::WsIdentity make_identity(const TokenIdentity& token);

 private:
  void on_register(const sip::IncomingRequest& request);
  void on_browser_invite(sip::IncomingInvite& invite, const BrowserFlow& browser);
  void on_pbx_invite(sip::IncomingInvite& invite);
  sip::WsTransport* transport_for(sip::TransportKind kind) const;

  sip::UserAgent* ua_ = nullptr;
  RegistrationRelay* relay_ = nullptr;
  CallHandler* calls_ = nullptr;
  std::vector<sip::WsTransport*> browser_transports_;
};

}  // namespace tandem::gateway
