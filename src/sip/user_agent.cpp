#include "sip/user_agent.hpp"

#include <algorithm>

#include "sip/invite_session.hpp"
#include "sip/message_builder.hpp"
#include "sip/uac_invite.hpp"
#include "sip/uas_invite.hpp"

namespace tandem::sip {

void UserAgent::Listener::on_request_outside_dialog(UserAgent& ua, const IncomingRequest& request) {
  ua.respond(request, 405);
}

UserAgent::UserAgent(boost::asio::io_context& io, UserAgentConfig config, Listener& listener)
    : config_(std::move(config)),
      listener_(listener),
      layer_(io, *this, config_.timers, LayerClock{config_.now, config_.asio_timers}),
      timer_(io) {
  failover_ = std::make_unique<FailoverSender>(sender_);
}

UserAgent::~UserAgent() {
  // Sessions and requests detach their proxies while the maps still exist.
  retired_sessions_.clear();
  retired_incoming_.clear();
  retired_outgoing_.clear();
  outgoing_.clear();
  incoming_.clear();
  sessions_.clear();
  requests_.clear();
}

void UserAgent::tick() {
  Guard guard(*this);
  layer_.tick();
  timers_.run_due(now());
}

TimerId UserAgent::after(Duration delay, std::function<void()> callback) {
  const TimerId id = timers_.schedule(now() + delay, std::move(callback));
  if (depth_ == 0) rearm();
  return id;
}

void UserAgent::rearm() {
  if (!config_.asio_timers) return;
  auto next = timers_.next_deadline();
  if (!next) {
    timer_.cancel();
    return;
  }
  // The queue runs on config_.now; the Asio timer needs a delay, not a foreign time point.
  timer_.expires_after(std::max(Duration(0), std::chrono::duration_cast<Duration>(*next - now())));
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) tick();
  });
}

void UserAgent::settle() {
  retired_sessions_.clear();
  retired_incoming_.clear();
  retired_outgoing_.clear();
  std::erase_if(requests_, [](const auto& r) { return r->done(); });
  rearm();
}

Uri UserAgent::contact_for(const Flow& flow) const {
  if (config_.contact) return config_.contact(flow);
  Uri uri;
  uri.scheme = flow.kind == TransportKind::kTls ? Uri::Scheme::kSips : Uri::Scheme::kSip;
  uri.scheme_name = flow.kind == TransportKind::kTls ? "sips" : "sip";
  uri.user = config_.contact_user;
  const std::string local = flow.local.to_string();
  const auto colon = local.rfind(':');
  uri.host = local.substr(0, colon);
  uri.port = flow.local.port;
  if (flow.kind == TransportKind::kTcp || flow.kind == TransportKind::kWs ||
      flow.kind == TransportKind::kWss) {
    std::string name(transport_name(flow.kind));
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    uri.params.set("transport", name);
  }
  return uri;
}

bool UserAgent::send_stateless(const Message& message, const Flow& flow) {
  return layer_.send_stateless(message, flow);
}

void UserAgent::stamp(Message& request, const Flow& flow) const {
  request.remove(HeaderId::kVia);
  request.prepend(HeaderId::kVia, "SIP/2.0/" + std::string(transport_name(flow.kind)) + " " +
                                      flow.local.to_string() + ";branch=z9hG4bK" +
                                      random_token(16) + ";rport");
  if (!request.has(HeaderId::kMaxForwards)) request.add(HeaderId::kMaxForwards, "70");
  if (!request.has(HeaderId::kUserAgent) && !config_.user_agent.empty()) {
    request.add(HeaderId::kUserAgent, config_.user_agent);
  }
}

Result<Message> UserAgent::authorize(const Message& request, const Message& challenge) {
  if (!config_.credentials) return Error{"no credentials configured"};
  const HeaderId field =
      challenge.status() == 407 ? HeaderId::kProxyAuthenticate : HeaderId::kWwwAuthenticate;
  std::optional<Credentials> credentials;
  for (const Header& h : challenge.headers()) {
    if (h.id != field) continue;
    auto header = parse_auth_header(h.value);
    if (!header) continue;
    auto parsed = digest_challenge(*header);
    if (!parsed) continue;
    credentials = config_.credentials(parsed->realm, request);
    if (credentials) break;
  }
  if (!credentials) return Error{"no credentials for the challenging realm"};
  auto client = digest_.find(credentials->username);
  if (client == digest_.end()) {
    client = digest_
                 .emplace(credentials->username,
                          DigestClient(credentials->username, credentials->password))
                 .first;
  }
  auto fields = client->second.answer(challenge, request);
  if (!fields) return fields.error();
  Message retry = request;
  // Credentials of the other kind stay (a proxy and the registrar may both challenge).
  retry.remove(challenge.status() == 407 ? HeaderId::kProxyAuthorization
                                         : HeaderId::kAuthorization);
  for (const AuthorizationField& f : *fields) retry.add(f.id, f.value);
  return retry;
}

void UserAgent::preauthorize(Message& request) {
  if (request.has(HeaderId::kAuthorization) || request.has(HeaderId::kProxyAuthorization)) return;
  if (!config_.credentials) return;
  // Only the identity the lookup picks for this request: with many users on one user agent,
  // another user's credentials must never ride along.
  for (auto& entry : digest_) {
    const std::string& name = entry.first;  // clang 14 cannot capture structured bindings
    DigestClient& client = entry.second;
    const bool ours = std::ranges::any_of(client.realms(), [&](const std::string& realm) {
      auto c = config_.credentials(realm, request);
      return c && c->username == name;
    });
    if (!ours) continue;
    for (const AuthorizationField& f : client.authorize(request)) request.add(f.id, f.value);
  }
}

Message UserAgent::make_request(std::string_view method, const Uri& request_uri,
                                const NameAddr& from, const NameAddr& to) const {
  Message m = Message::request(std::string(method), request_uri);
  if (config_.outbound_proxy) {
    Uri route = *config_.outbound_proxy;
    route.params.set("lr");
    m.add(HeaderId::kRoute, "<" + route.to_string() + ">");
  }
  m.add(HeaderId::kMaxForwards, "70");
  NameAddr f = from;
  f.params.set("tag", random_token(10));
  m.add(HeaderId::kFrom, f.to_string());
  NameAddr t = to;
  t.params.remove("tag");
  m.add(HeaderId::kTo, t.to_string());
  m.add(HeaderId::kCallId, random_token(20));
  m.add(HeaderId::kCSeq, "1 " + std::string(method));
  return m;
}

void UserAgent::send(Message request, ClientRequest::Handler handler, SendOptions options) {
  Guard guard(*this);
  auto r = std::make_unique<ClientRequest>(*this, std::move(request), std::move(handler),
                                           options.add_contact);
  ClientRequest& ref = *r;
  if (options.next_hop) ref.set_next_hop(std::move(*options.next_hop));
  if (options.flow) ref.set_flow(*options.flow);
  requests_.push_back(std::move(r));
  ref.start();
}

UacInvite& UserAgent::invite(Message request, UacInviteListener& listener,
                             std::optional<Flow> flow) {
  Guard guard(*this);
  outgoing_.push_back(std::make_unique<UacInvite>(*this, std::move(request), listener));
  UacInvite& invite = *outgoing_.back();
  if (flow) invite.set_flow(*flow);
  invite.start();
  return invite;
}

bool UserAgent::respond(const IncomingRequest& request, int status, std::string_view reason) {
  Guard guard(*this);
  return layer_.respond(request.id, make_response(request.request, status, reason,
                                                  status > 100 ? random_token(10) : ""));
}

InviteSession* UserAgent::find_session(const DialogId& id) {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second.get();
}

InviteSession& UserAgent::add_session(std::unique_ptr<InviteSession> session) {
  InviteSession& ref = *session;
  sessions_[session->dialog().id()] = std::move(session);
  return ref;
}

void UserAgent::retire(InviteSession& session) {
  auto it = sessions_.find(session.dialog().id());
  if (it == sessions_.end() || it->second.get() != &session) return;
  retired_sessions_.push_back(std::move(it->second));
  sessions_.erase(it);
  if (depth_ == 0) settle();
}

void UserAgent::retire(IncomingInvite& invite) {
  auto it = incoming_.find(invite.transaction());
  if (it == incoming_.end()) return;
  retired_incoming_.push_back(std::move(it->second));
  incoming_.erase(it);
  if (depth_ == 0) settle();
}

void UserAgent::retire(UacInvite& invite) {
  for (auto it = outgoing_.begin(); it != outgoing_.end(); ++it) {
    if (it->get() != &invite) continue;
    retired_outgoing_.push_back(std::move(*it));
    outgoing_.erase(it);
    break;
  }
  if (depth_ == 0) settle();
}

void UserAgent::on_request(TransactionId id, const Message& request, const Flow& flow) {
  Guard guard(*this);
  const auto dialog = dialog_id_of_received_request(request);
  if (!dialog) {
    layer_.respond(id, make_response(request, 400, "Missing Dialog Fields"));
    return;
  }
  const std::string& method = request.method();
  if (!dialog->local_tag.empty()) {
    InviteSession* session = find_session(*dialog);
    if (session == nullptr) {
      layer_.respond(id, make_response(request, 481));
      return;
    }
    session->on_request(IncomingRequest{id, request, flow});
    return;
  }
  if (method == "CANCEL") return on_cancel(id, request);
  if (method == "INVITE") {
    auto invite = std::make_unique<IncomingInvite>(*this, IncomingRequest{id, request, flow});
    IncomingInvite& ref = *invite;
    incoming_[id] = std::move(invite);
    listener_.on_invite(ref);
    return;
  }
  if (method == "BYE") {  // §15.1.2: a BYE outside any dialog
    layer_.respond(id, make_response(request, 481, {}, random_token(10)));
    return;
  }
  listener_.on_request_outside_dialog(*this, IncomingRequest{id, request, flow});
}

void UserAgent::on_cancel(TransactionId id, const Message& cancel) {
  const auto invite_id = layer_.invite_for_cancel(cancel);
  auto it = invite_id ? incoming_.find(*invite_id) : incoming_.end();
  if (it == incoming_.end()) {
    layer_.respond(id, make_response(cancel, 481, {}, random_token(10)));
    return;
  }
  IncomingInvite& invite = *it->second;
  layer_.respond(id, make_response(cancel, 200, {}, invite.local_tag()));
  if (invite.on_cancel()) listener_.on_cancelled(invite);
}

void UserAgent::on_stray(const Message& message, const Flow& flow) {
  Guard guard(*this);
  (void)flow;
  if (message.is_request()) {
    if (message.method() != "ACK") return;
    if (auto id = dialog_id_of_received_request(message)) {
      if (InviteSession* session = find_session(*id)) session->on_ack(message);
    }
    return;
  }
  auto cseq = message.cseq();
  if (!cseq || cseq->method != "INVITE" || message.status() < 200 || message.status() >= 300) {
    return;
  }
  // A 2xx after the INVITE transaction ended (RFC 6026): a retransmission or another fork.
  for (const auto& invite : outgoing_) {
    if (invite->matches(message)) return invite->on_late_2xx(message);
  }
  if (auto id = dialog_id_of_response(message)) {
    if (InviteSession* session = find_session(*id)) session->acknowledge(message);
  }
}

}  // namespace tandem::sip
