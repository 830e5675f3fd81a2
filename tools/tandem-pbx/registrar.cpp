#include "registrar.hpp"

#include <algorithm>

#include "sip/header_values.hpp"
#include "sip/message_builder.hpp"

namespace tandem::pbx {

using sip::HeaderId;
using sip::Message;

namespace {

std::string tag() { return sip::random_token(10); }

Message reply(const Message& request, int status, std::string_view reason = {}) {
  return sip::make_response(request, status, reason, tag());
}

uint32_t seconds_left(const Binding& b, TimePoint now) {
  return static_cast<uint32_t>(std::max<int64_t>(
      0, std::chrono::duration_cast<std::chrono::seconds>(b.expires - now).count()));
}

}  // namespace

Registrar::Registrar(sip::DigestServer& auth, std::map<std::string, std::string> passwords,
                     const RegistrarOptions& options)
    : auth_(auth), passwords_(std::move(passwords)), options_(options) {}

Message Registrar::handle(const Message& request, const sip::Flow& flow, TimePoint now) {
  expire(now);
  auto to = request.to();
  if (!to || !to->uri.is_sip() || to->uri.user.empty()) {
    return reply(request, 400, "Bad Request (To must be a sip: address with a user)");
  }
  const std::string user = sip::unescape(to->uri.user);
  if (auto refused = authenticate(request, 401, user, now)) return std::move(*refused);
  if (auto refused = update(request, user, flow, now)) return std::move(*refused);
  Message ok = reply(request, 200);
  for (const Binding& b : lookup(user, now)) {
    ok.add(HeaderId::kContact, b.contact_text + ";expires=" + std::to_string(seconds_left(b, now)));
  }
  return ok;
}

// §22.3, §22.4: challenge until the credentials verify; the authenticated user must own `user`.
std::optional<Message> Registrar::authenticate(const Message& request, int status,
                                               const std::string& user, TimePoint now) {
  auto credentials = auth_.find_credentials(
      request, status == 407 ? HeaderId::kProxyAuthorization : HeaderId::kAuthorization);
  if (!credentials) {
    Message challenge = reply(request, status);
    auth_.add_challenges(challenge, now);
    return challenge;
  }
  auto lookup = [this](std::string_view name, std::string_view,
                       sip::DigestAlgorithm) -> std::optional<sip::DigestSecret> {
    auto it = passwords_.find(std::string(name));
    if (it == passwords_.end()) return std::nullopt;
    return sip::DigestSecret::password(it->second);
  };
  switch (auth_.verify(*credentials, request.method(), lookup, now)) {
    case sip::DigestVerdict::kOk:
      break;
    case sip::DigestVerdict::kStale: {
      Message challenge = reply(request, status);
      auth_.add_challenges(challenge, now, /*stale=*/true);
      return challenge;
    }
    case sip::DigestVerdict::kBadNonce:
    case sip::DigestVerdict::kReplay: {
      Message challenge = reply(request, status);
      auth_.add_challenges(challenge, now);
      return challenge;
    }
    default:
      // Unknown user and wrong password look the same from outside.
      return reply(request, 403, "Forbidden (bad credentials)");
  }
  if (!user.empty() && credentials->username != user) {
    return reply(request, 403, "Forbidden (credentials do not own this address)");
  }
  return std::nullopt;
}

// §10.3 steps 6-8: wildcard removal, per-contact expiry, Call-ID/CSeq ordering.
std::optional<Message> Registrar::update(const Message& request, const std::string& user,
                                         const sip::Flow& flow, TimePoint now) {
  auto contacts = request.contacts();
  if (!contacts) return reply(request, 400, "Bad Request (" + contacts.error().reason + ")");
  const std::string call_id(*request.call_id());
  const uint32_t cseq = request.cseq()->number;
  std::optional<uint32_t> header_expires;
  if (request.has(HeaderId::kExpires)) {
    auto e = request.first_as(HeaderId::kExpires, sip::parse_delta_seconds);
    if (!e) return reply(request, 400, "Bad Request (" + e.error().reason + ")");
    header_expires = *e;
  }
  auto& bindings = bindings_[user];
  if (contacts->wildcard) {
    if (header_expires != 0u)
      return reply(request, 400, "Bad Request (Contact: * needs Expires: 0)");
    bindings.clear();
    return std::nullopt;
  }
  for (const sip::NameAddr& contact : contacts->contacts) {
    const uint32_t asked =
        sip::contact_expires(contact).value_or(header_expires.value_or(options_.default_expires));
    if (asked != 0 && asked < options_.min_expires) {
      Message brief = reply(request, 423);
      brief.add(HeaderId::kMinExpires, std::to_string(options_.min_expires));
      return brief;
    }
    auto same = std::find_if(bindings.begin(), bindings.end(), [&](const Binding& b) {
      return sip::equivalent(b.contact, contact.uri);
    });
    if (same != bindings.end() && same->call_id == call_id && same->cseq >= cseq) {
      return reply(request, 500, "Server Internal Error (REGISTER out of order)");
    }
    if (asked == 0) {
      if (same != bindings.end()) bindings.erase(same);
      continue;
    }
    sip::NameAddr stored = contact;
    stored.params.remove("expires");
    Binding b{contact.uri,
              stored.to_string(),
              now + std::chrono::seconds(std::min(asked, options_.max_expires)),
              call_id,
              cseq,
              flow};
    if (same != bindings.end()) {
      *same = std::move(b);
    } else {
      bindings.push_back(std::move(b));
    }
  }
  return std::nullopt;
}

std::vector<Binding> Registrar::lookup(const std::string& user, TimePoint now) {
  expire(now);
  auto it = bindings_.find(user);
  if (it == bindings_.end()) return {};
  std::vector<Binding> out = it->second;
  std::sort(out.begin(), out.end(),
            [](const Binding& a, const Binding& b) { return a.expires > b.expires; });
  return out;
}

void Registrar::expire(TimePoint now) {
  for (auto& [user, list] : bindings_) {
    std::erase_if(list, [now](const Binding& b) { return b.expires <= now; });
  }
}

}  // namespace tandem::pbx
