#include "gateway/registration_relay.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "gateway/call_failure.hpp"
#include "sip/message_builder.hpp"

namespace tandem::gateway {

namespace {

constexpr size_t kFlowTokenLength = 8;

std::optional<uint32_t> number(std::string_view text) {
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<uint32_t> expires_header(const sip::Message& m) {
  const sip::Header* h = m.find(sip::HeaderId::kExpires);
  return h != nullptr ? number(h->value) : std::nullopt;
}

// The expiry a registrar granted our Contact (RFC 3261 §10.2.4): its Contact's expires, else
// Expires, else what we asked for.
uint32_t granted_expiry(const sip::Message& response, const sip::Uri& ours, uint32_t asked) {
  if (auto theirs = response.contacts()) {
    for (const sip::NameAddr& c : theirs->contacts) {
      if (!sip::equivalent(c.uri, ours)) continue;
      if (auto e = sip::contact_expires(c)) return *e;
    }
  }
  return expires_header(response).value_or(asked);
}

}  // namespace

int browser_status_for(int pbx_status) {
  if (pbx_status >= 200 && pbx_status < 300) return 200;
  if (pbx_status == 401 || pbx_status == 407) return 403;
  if (pbx_status >= 400 && pbx_status < 500) return pbx_status;
  return 503;
}

// What we keep of one browser's registration of one AOR over one WebSocket.
struct RegistrationRelay::Binding {
  BrowserBinding info;
  std::string user;
  std::string call_id = sip::random_token(20);
  std::string from_tag = sip::random_token(10);
  uint32_t cseq = 0;
  uint32_t granted = 0;
  TimePoint expires_at{};   // of the PBX's binding, unless refreshed
  bool registered = false;  // the PBX accepted it at least once
};

// A browser REGISTER waiting for the PBX's answer.
struct RegistrationRelay::Answer {
  sip::IncomingRequest request;
  sip::NameAddr browser_contact;
  bool has_contact = false;
};

RegistrationRelay::RegistrationRelay(sip::UserAgent& ua, RelaySettings settings)
    : ua_(ua), settings_(std::move(settings)) {}

RegistrationRelay::~RegistrationRelay() {
  *alive_ = false;
  if (drain_timer_ != 0) ua_.cancel_timer(drain_timer_);
}

bool RegistrationRelay::looks_like_contact_user(std::string_view user) {
  const size_t dash = user.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return false;
  const std::string_view token = user.substr(dash + 1);
  return token.size() == kFlowTokenLength && std::all_of(token.begin(), token.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
         });
}

std::string RegistrationRelay::flow_token(uint64_t connection_id) {
  auto [it, added] = flow_tokens_.try_emplace(connection_id);
  if (added) it->second = sip::random_token(kFlowTokenLength);
  return it->second;
}

RegistrationRelay::Binding& RegistrationRelay::binding_for(const BrowserFlow& browser,
                                                           const std::string& user) {
  const std::string contact_user = user + "-" + flow_token(browser.flow.connection_id);
  auto& slot = bindings_[contact_user];
  if (!slot) {
    slot = std::make_unique<Binding>();
    slot->user = user;
    slot->info.contact_user = contact_user;
  }
  slot->info.browser = browser;
  return *slot;
}

const BrowserBinding* RegistrationRelay::find(std::string_view contact_user) const {
  auto it = bindings_.find(contact_user);
  if (it == bindings_.end() || !it->second->registered) return nullptr;
  // A browser that stopped refreshing: the PBX has dropped the binding by now.
  return ua_.now() < it->second->expires_at ? &it->second->info : nullptr;
}

void RegistrationRelay::on_browser_register(const sip::IncomingRequest& incoming,
                                            const BrowserFlow& browser) {
  const sip::Message& request = incoming.request;
  auto to = request.to();
  auto contacts = request.contacts();
  if (!to || !contacts) {
    sip::UserAgent::Guard guard(ua_);
    ua_.layer().respond(incoming.id, sip::make_response(request, 400, "Bad Contact or To", {}));
    return;
  }
  const std::string user = to->uri.user;
  auto answer = std::make_shared<Answer>();
  answer->request = incoming;
  uint32_t expires = expires_header(request).value_or(settings_.default_expires);
  if (!contacts->contacts.empty()) {
    answer->browser_contact = contacts->contacts.front();
    answer->has_contact = true;
    expires = sip::contact_expires(answer->browser_contact).value_or(expires);
  } else if (!contacts->wildcard) {
    // A query (§10.2.3): what this connection has registered for the AOR.
    auto it = bindings_.find(user + "-" + flow_token(browser.flow.connection_id));
    sip::Message ok = sip::make_response(request, 200, {}, sip::random_token(10));
    if (it != bindings_.end() && it->second->registered) {
      sip::NameAddr c{{}, it->second->info.browser_contact, {}};
      c.params.set("expires", std::to_string(it->second->granted));
      ok.add(sip::HeaderId::kContact, c.to_string());
    }
    sip::UserAgent::Guard guard(ua_);
    ua_.layer().respond(incoming.id, std::move(ok));
    return;
  }
  Binding& binding = binding_for(browser, user);
  if (answer->has_contact) binding.info.browser_contact = answer->browser_contact.uri;
  expires = std::min(expires, settings_.max_expires);
  if (expires == 0) {
    spdlog::info(
        "registration: {} on WebSocket connection {} un-registers; removing {} from the PBX", user,
        browser.flow.connection_id, binding.info.contact_user);
  } else {
    spdlog::info("registration: {} on WebSocket connection {} asks {} s; registering {} at the PBX",
                 user, browser.flow.connection_id, expires, binding.info.contact_user);
  }
  send(binding, expires, answer);
}

void RegistrationRelay::send(Binding& binding, uint32_t expires,
                             const std::shared_ptr<Answer>& answer) {
  sip::Uri aor;
  aor.user = binding.user;
  aor.host = settings_.domain;
  sip::Uri registrar;
  registrar.host = settings_.domain;
  sip::Message m = sip::Message::request("REGISTER", registrar);
  if (ua_.config().outbound_proxy) {
    sip::Uri route = *ua_.config().outbound_proxy;
    route.params.set("lr");
    m.add(sip::HeaderId::kRoute, "<" + route.to_string() + ">");
  }
  sip::NameAddr from{{}, aor, {}};
  from.params.set("tag", binding.from_tag);
  m.add(sip::HeaderId::kFrom, from.to_string());
  m.add(sip::HeaderId::kTo, sip::NameAddr{{}, aor, {}}.to_string());
  m.add(sip::HeaderId::kCallId, binding.call_id);
  m.add(sip::HeaderId::kCSeq, std::to_string(++binding.cseq) + " REGISTER");
  const sip::Uri contact = settings_.our_contact(binding.info.contact_user);
  m.add(sip::HeaderId::kContact, "<" + contact.to_string() + ">");
  m.add(sip::HeaderId::kExpires, std::to_string(expires));
  ua_.preauthorize(m);
  if (expires == 0) binding.registered = false;  // PBX requests to it now get 480
  sip::SendOptions options;
  if (!ua_.config().outbound_proxy) options.next_hop = settings_.pbx;
  ++pending_;
  std::weak_ptr<bool> alive = alive_;
  ua_.send(
      std::move(m),
      [this, alive, contact_user = binding.info.contact_user, expires, answer](
          const sip::Message& response, const sip::Message& request) {
        if (alive.expired() || response.status() < 200) return;
        on_pbx_response(contact_user, expires, response, request, answer);
        finished_one();
      },
      options);
}

void RegistrationRelay::on_pbx_response(const std::string& contact_user, uint32_t asked,
                                        const sip::Message& response, const sip::Message& request,
                                        const std::shared_ptr<Answer>& answer) {
  const int status = response.status();
  auto it = bindings_.find(contact_user);
  Binding* binding = it == bindings_.end() ? nullptr : it->second.get();
  if (binding != nullptr) {
    if (auto cseq = request.cseq()) binding->cseq = std::max(binding->cseq, cseq->number);
  }
  uint32_t granted = 0;
  if (status < 300 && asked != 0 && binding != nullptr) {
    granted = granted_expiry(response, settings_.our_contact(contact_user), asked);
    binding->granted = granted;
    binding->expires_at = ua_.now() + std::chrono::seconds(granted);
    binding->registered = granted != 0;
    spdlog::info("registration: the PBX accepted {} for {} s", contact_user, granted);
  } else if (status < 300) {
    spdlog::info("registration: {} removed from the PBX", contact_user);
  } else {
    spdlog::warn(
        "registration: the PBX answered {} {} for {}{}", status, response.reason(), contact_user,
        status == 401 || status == 407
            ? ": check this user's password in [credentials] (or credentials.file)"
        : status == 408 || status == 503 ? ": check [sip] pbx and that the PBX is reachable"
                                         : "");
  }
  if (binding != nullptr && (asked == 0 || status >= 300 || granted == 0)) remove(contact_user);
  if (!answer) return;  // our own un-REGISTER
  const int to_browser = browser_status_for(status);
  sip::Message reply = sip::make_response(
      answer->request.request, to_browser,
      to_browser == status ? std::string_view(response.reason()) : "", sip::random_token(10));
  if (to_browser == 200 && answer->has_contact && granted != 0) {
    sip::NameAddr c = answer->browser_contact;
    c.params.set("expires", std::to_string(granted));
    reply.add(sip::HeaderId::kContact, c.to_string());
  }
  if (to_browser == 423) {
    if (const sip::Header* min = response.find(sip::HeaderId::kMinExpires)) {
      reply.add(sip::HeaderId::kMinExpires, min->value);
    }
  }
  if (to_browser >= 300) {
    reply.add(sip::HeaderId::kReason, sip_reason(status, response.reason()));
  }
  sip::UserAgent::Guard guard(ua_);
  ua_.layer().respond(answer->request.id, std::move(reply));
}

void RegistrationRelay::remove(const std::string& contact_user) { bindings_.erase(contact_user); }

void RegistrationRelay::on_browser_gone(uint64_t connection_id) {
  auto token = flow_tokens_.find(connection_id);
  if (token == flow_tokens_.end()) return;
  flow_tokens_.erase(token);
  std::vector<Binding*> gone;
  for (auto& [contact_user, binding] : bindings_) {
    if (binding->info.browser.flow.connection_id == connection_id) gone.push_back(binding.get());
  }
  for (Binding* binding : gone) {
    spdlog::info("registration: WebSocket connection {} closed; removing {} from the PBX",
                 connection_id, binding->info.contact_user);
    send(*binding, 0, nullptr);
  }
}

void RegistrationRelay::unregister_all(Duration timeout, std::function<void()> done) {
  drained_ = std::move(done);
  std::vector<Binding*> all;
  for (auto& [contact_user, binding] : bindings_) all.push_back(binding.get());
  spdlog::info("shutdown: removing {} registration(s) from the PBX (waiting at most {} ms)",
               all.size(), timeout.count());
  for (Binding* binding : all) send(*binding, 0, nullptr);
  if (pending_ == 0) {
    auto callback = std::move(drained_);
    drained_ = nullptr;
    callback();
    return;
  }
  drain_timer_ = ua_.after(timeout, [this] {
    drain_timer_ = 0;
    if (!drained_) return;
    spdlog::warn("shutdown: {} un-REGISTER(s) unanswered after the wait; stopping anyway",
                 pending_);
    auto callback = std::move(drained_);
    drained_ = nullptr;
    callback();
  });
}

void RegistrationRelay::finished_one() {
  if (pending_ > 0) --pending_;
  if (pending_ != 0 || !drained_) return;
  if (drain_timer_ != 0) ua_.cancel_timer(drain_timer_);
  drain_timer_ = 0;
  auto callback = std::move(drained_);
  drained_ = nullptr;
  callback();
}

}  // namespace tandem::gateway
