#include "sip/registration.hpp"

#include <algorithm>
#include <charconv>

#include "sip/message_builder.hpp"
#include "sip/user_agent.hpp"

namespace tandem::sip {
namespace {

std::optional<uint32_t> number(std::string_view text) {
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<uint32_t> header_number(const Message& m, HeaderId id) {
  const Header* h = m.find(id);
  return h != nullptr ? number(h->value) : std::nullopt;
}

// Refresh ahead of expiry: half-way for short grants, a minute early for long ones.
Duration refresh_delay(uint32_t granted) {
  const uint32_t ahead = std::max(granted / 2, granted > 60 ? granted - 60 : 0);
  return std::chrono::seconds(std::max<uint32_t>(ahead, 1));
}

}  // namespace

std::string_view to_string(RegistrationState state) {
  switch (state) {
    case RegistrationState::kIdle:
      return "idle";
    case RegistrationState::kRegistering:
      return "registering";
    case RegistrationState::kRegistered:
      return "registered";
    case RegistrationState::kFailed:
      return "failed";
    case RegistrationState::kUnregistered:
      return "unregistered";
  }
  return "?";
}

Registration::Registration(UserAgent& ua, RegistrationConfig config, Listener listener)
    : ua_(ua),
      config_(std::move(config)),
      listener_(std::move(listener)),
      call_id_(random_token(20)),
      from_tag_(random_token(10)),
      expires_(config_.expires) {}

Registration::~Registration() {
  *alive_ = false;
  if (timer_ != 0) ua_.cancel_timer(timer_);
}

void Registration::start() {
  active_ = true;
  send_register(expires_);
}

void Registration::stop() {
  active_ = false;
  if (timer_ != 0) ua_.cancel_timer(timer_);
  timer_ = 0;
  send_register(0);
}

void Registration::send_register(uint32_t expires) {
  Message m = Message::request("REGISTER", config_.registrar);
  if (ua_.config().outbound_proxy) {
    Uri route = *ua_.config().outbound_proxy;
    route.params.set("lr");
    m.add(HeaderId::kRoute, "<" + route.to_string() + ">");
  }
  NameAddr from = config_.aor;
  from.params.set("tag", from_tag_);
  NameAddr to = config_.aor;
  to.params.remove("tag");
  m.add(HeaderId::kFrom, from.to_string());
  m.add(HeaderId::kTo, to.to_string());
  m.add(HeaderId::kCallId, call_id_);
  m.add(HeaderId::kCSeq, std::to_string(++cseq_) + " REGISTER");
  m.add(HeaderId::kExpires, std::to_string(expires));
  ua_.preauthorize(m);  // nonce count continues instead of a new challenge every refresh
  if (expires != 0) set_state(RegistrationState::kRegistering, m);
  auto alive = std::weak_ptr<bool>(alive_);
  ua_.send(
      std::move(m),
      [this, alive, expires](const Message& response, const Message& request) {
        if (!alive.expired()) on_response(response, request, expires);
      },
      SendOptions{true, std::nullopt, std::nullopt});
}

void Registration::on_response(const Message& response, const Message& request, uint32_t asked) {
  if (auto cseq = request.cseq()) cseq_ = std::max(cseq_, cseq->number);  // Digest retries
  const int status = response.status();
  if (status < 200) return;
  if (asked == 0) {  // the un-REGISTER: removed, or failed (and not retried: we are leaving)
    set_state(status < 300 ? RegistrationState::kUnregistered : RegistrationState::kFailed,
              response);
    return;
  }
  if (!active_) return;
  if (status < 300) {
    granted_ = granted_expiry(response, request, asked);
    schedule(refresh_delay(granted_));  // before the listener, which may stop() us
    set_state(RegistrationState::kRegistered, response);
    return;
  }
  if (status == 423) {  // §10.2.8: ask again with at least Min-Expires
    if (auto min = header_number(response, HeaderId::kMinExpires); min && *min > expires_) {
      expires_ = *min;
      send_register(expires_);
      return;
    }
  }
  schedule(config_.retry_after);
  set_state(RegistrationState::kFailed, response);
}

uint32_t Registration::granted_expiry(const Message& response, const Message& request,
                                      uint32_t asked) const {
  auto ours = request.contacts();
  auto theirs = response.contacts();
  if (ours && theirs && !ours->contacts.empty()) {
    for (const NameAddr& c : theirs->contacts) {
      if (!equivalent(c.uri, ours->contacts.front().uri)) continue;
      if (auto e = contact_expires(c)) return *e;
    }
  }
  return header_number(response, HeaderId::kExpires).value_or(asked);
}

void Registration::schedule(Duration delay) {
  if (timer_ != 0) ua_.cancel_timer(timer_);
  timer_ = ua_.after(delay, [this] {
    timer_ = 0;
    if (active_) send_register(expires_);
  });
}

void Registration::set_state(RegistrationState state, const Message& response) {
  state_ = state;
  if (listener_) listener_(state, response);
}

}  // namespace tandem::sip
