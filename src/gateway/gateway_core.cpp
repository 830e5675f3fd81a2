#include "gateway/gateway_core.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "sip/uas_invite.hpp"

namespace tandem::gateway {

namespace {

bool is_browser_kind(sip::TransportKind kind) {
  return kind == sip::TransportKind::kWs || kind == sip::TransportKind::kWss;
}

// A refusal with a human-readable reason phrase and a Warning-free body: browsers show the
// phrase (JsSIP's `cause` carries it).
void refuse(sip::UserAgent& ua, const sip::IncomingRequest& request, int status,
            std::string_view reason) {
  ua.respond(request, status, reason);
}

}  // namespace

void GatewayCore::attach(sip::UserAgent& ua, RegistrationRelay& relay, CallHandler* calls) {
  ua_ = &ua;
  relay_ = &relay;
  calls_ = calls;
}

void GatewayCore::add_browser_transport(sip::WsTransport& transport) {
  browser_transports_.push_back(&transport);
}

sip::WsIdentity GatewayCore::make_identity(const TokenIdentity& token) {
  return sip::WsIdentity{token.subject, token};
}

sip::WsTransport* GatewayCore::transport_for(sip::TransportKind kind) const {
  for (sip::WsTransport* t : browser_transports_) {
    if (t->kind() == kind) return t;
  }
  return nullptr;
}

std::optional<BrowserFlow> GatewayCore::browser_for(const sip::Flow& flow) const {
  if (!is_browser_kind(flow.kind)) return std::nullopt;
  const sip::WsTransport* transport = transport_for(flow.kind);
  const sip::WsIdentity* identity =
      transport == nullptr ? nullptr : transport->identity(flow.connection_id);
  if (identity == nullptr) return std::nullopt;
  BrowserFlow browser{flow, identity->subject, std::nullopt};
  if (const auto* token = std::any_cast<TokenIdentity>(&identity->details)) {
    browser.allow = token->allow;
  }
  return browser;
}

void GatewayCore::on_connection_closed(const sip::Flow& flow) {
  if (relay_ != nullptr) relay_->on_browser_gone(flow.connection_id);
  if (calls_ != nullptr) calls_->on_browser_gone(flow.connection_id);
}

void GatewayCore::on_request_outside_dialog(sip::UserAgent& ua,
                                            const sip::IncomingRequest& request) {
  const std::string& method = request.request.method();
  if (method == "REGISTER") return on_register(request);
  if (method == "OPTIONS") {
    ua.respond(request, 200);
    return;
  }
  sip::UserAgent::Listener::on_request_outside_dialog(ua, request);
}

void GatewayCore::on_register(const sip::IncomingRequest& request) {
  const auto browser = browser_for(request.flow);
  if (!browser) {
    refuse(*ua_, request, 403, "Registrations Are Accepted From Browsers Only");
    return;
  }
  auto to = request.request.to();
  auto from = request.request.from();
  if (!to || !from) {
    refuse(*ua_, request, 400, "Bad From or To");
    return;
  }
  if (to->uri.user != browser->subject || from->uri.user != browser->subject) {
    spdlog::warn(
        "registration refused: {} on WebSocket connection {} is not the token's subject "
        "{}",
        to->uri.user, request.flow.connection_id, browser->subject);
    refuse(*ua_, request, 403, "AOR Does Not Match The Token Subject");
    return;
  }
  relay_->on_browser_register(request, *browser);
}

void GatewayCore::on_invite(sip::IncomingInvite& invite) {
  if (is_browser_kind(invite.flow().kind)) {
    const auto browser = browser_for(invite.flow());
    if (!browser) {
      invite.respond(403, {}, {}, "No Token Identity");
      return;
    }
    return on_browser_invite(invite, *browser);
  }
  on_pbx_invite(invite);
}

void GatewayCore::on_browser_invite(sip::IncomingInvite& invite, const BrowserFlow& browser) {
  auto from = invite.request().from();
  if (!from || from->uri.user != browser.subject) {
    spdlog::warn("call refused: From {} on WebSocket connection {} is not the token's subject {}",
                 from ? from->uri.user : std::string("(none)"), browser.flow.connection_id,
                 browser.subject);
    invite.respond(403, {}, {}, "From Does Not Match The Token Subject");
    return;
  }
  const std::string& destination = invite.request().request_uri().user;
  if (browser.allow && std::find(browser.allow->begin(), browser.allow->end(), destination) ==
                           browser.allow->end()) {
    spdlog::warn("call refused: {} may not call {} (not in the token's allow list)",
                 browser.subject, destination);
    invite.respond(403, {}, {}, "Destination Not Allowed By The Token");
    return;
  }
  if (calls_ == nullptr) {
    invite.respond(503, {}, {}, "Calls Not Available");
    return;
  }
  calls_->on_browser_invite(invite, browser);
}

void GatewayCore::on_pbx_invite(sip::IncomingInvite& invite) {
  const std::string& user = invite.request().request_uri().user;
  const BrowserBinding* binding = relay_ == nullptr ? nullptr : relay_->find(user);
  if (binding != nullptr && !browser_for(binding->browser.flow)) binding = nullptr;
  if (binding == nullptr) {
    if (RegistrationRelay::looks_like_contact_user(user)) {
      spdlog::info("call from the PBX to {}: that browser has gone (480)", user);
      invite.respond(480, {}, {}, "Browser Gone");
    } else {
      invite.respond(404, {}, {}, "No Such Registration");
    }
    return;
  }
  if (calls_ == nullptr) {
    invite.respond(503, {}, {}, "Calls Not Available");
    return;
  }
  calls_->on_pbx_invite(invite, *binding);
}

void GatewayCore::on_cancelled(sip::IncomingInvite& invite) {
  if (calls_ != nullptr) calls_->on_cancelled(invite);
}

}  // namespace tandem::gateway
