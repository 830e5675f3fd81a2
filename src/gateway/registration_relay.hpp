// Registration on behalf of the browser (DESIGN.md §1): a browser's REGISTER over its WebSocket
// makes Tandem REGISTER at the PBX with its own Contact, sip:<user>-<flow>@<our SIP address>,
// where <flow> names the WebSocket connection, and with credentials from the store (through the
// user agent's Digest retry). The browser gets the PBX's verdict: 200 with its own Contact and
// the granted expiry, or the failure mapped for it. The browser's refreshes drive ours (one
// Call-ID per binding, increasing CSeq); its un-REGISTER and its WebSocket closing remove our
// binding at the PBX. A PBX INVITE to one of our Contacts finds its browser here.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/call_handler.hpp"
#include "sip/message.hpp"
#include "sip/user_agent.hpp"

namespace tandem::gateway {

struct RelaySettings {
  std::string
      domain;  // AOR domain: sip:<user>@<domain>; the REGISTER's Request-URI is sip:<domain>
  // Where REGISTERs go when there is no outbound proxy (the PBX URI, transport applied); empty:
  // the Request-URI's own target.
  std::optional<sip::Uri> pbx;
  // Our Contact toward the PBX for a contact user: sip:<contact_user>@<host:port>;transport=..
  std::function<sip::Uri(const std::string& contact_user)> our_contact;
  uint32_t default_expires = 3600;  // when the browser names none
  uint32_t max_expires = 3600;      // what we ask the PBX for at most
};

class RegistrationRelay {
 public:
  RegistrationRelay(sip::UserAgent& ua, RelaySettings settings);
  ~RegistrationRelay();
  RegistrationRelay(const RegistrationRelay&) = delete;
  RegistrationRelay& operator=(const RegistrationRelay&) = delete;

  // A REGISTER from `browser` whose AOR GatewayCore matched against its token. Answered once
  // the PBX answered (or at once when it is malformed).
  void on_browser_register(const sip::IncomingRequest& request, const BrowserFlow& browser);
  // The browser's WebSocket closed: un-REGISTER its bindings at the PBX.
  void on_browser_gone(uint64_t connection_id);
  // The binding whose Contact at the PBX has this user part, if it is registered.
  const BrowserBinding* find(std::string_view contact_user) const;
  // True when `user` has the shape of our Contact users (<user>-<flow token>): a request to such
  // a Contact that find() does not know is for a browser that has gone.
  static bool looks_like_contact_user(std::string_view user);
  // Graceful shutdown: un-REGISTER every binding; `done` once all are answered or after
  // `timeout`, whichever comes first (called exactly once).
  void unregister_all(Duration timeout, std::function<void()> done);

  size_t binding_count() const { return bindings_.size(); }
  size_t pending_requests() const { return pending_; }

 private:
  struct Binding;
  struct Answer;

  Binding& binding_for(const BrowserFlow& browser, const std::string& user);
  std::string flow_token(uint64_t connection_id);
  void send(Binding& binding, uint32_t expires, const std::shared_ptr<Answer>& answer);
  void on_pbx_response(const std::string& contact_user, uint32_t asked,
                       const sip::Message& response, const sip::Message& request,
                       const std::shared_ptr<Answer>& answer);
  void remove(const std::string& contact_user);
  void finished_one();

  sip::UserAgent& ua_;
  RelaySettings settings_;
  std::map<std::string, std::unique_ptr<Binding>, std::less<>> bindings_;  // by contact user
  std::map<uint64_t, std::string> flow_tokens_;                            // by connection
  size_t pending_ = 0;  // REGISTERs toward the PBX not yet answered
  std::function<void()> drained_;
  sip::TimerId drain_timer_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// How a PBX's answer to our REGISTER is told to the browser: 2xx stays 200; a refused
// authentication (401/407: wrong or missing credentials in the store) becomes 403 (a browser
// cannot answer a challenge for credentials it never had); other 4xx pass (408 is also our own
// timeout); 5xx, 6xx and our own transport failures are 503.
int browser_status_for(int pbx_status);

}  // namespace tandem::gateway
