#include "proxy.hpp"

#include <functional>
#include <vector>

#include "flow_token.hpp"
#include "sip/message_builder.hpp"
#include "sip/serializer.hpp"
#include "sip/stateless_reply.hpp"

namespace tandem::pbx {

using sip::Flow;
using sip::HeaderId;
using sip::Message;
using sip::TransportKind;

namespace {

// Our Via branches carry this after the magic cookie, so strays can be recognised as ours.
constexpr std::string_view kBranchPrefix = "z9hG4bKtpx";

// §16.7 step 6: 6xx beats everything; otherwise the lowest class wins.
int rank(int status) { return status >= 600 ? 0 : status / 100; }

// §16.7 step 3: the top Via is ours; the response goes on with the rest.
void pop_via(Message& m) {
  const auto vias = m.values(HeaderId::kVia);
  if (vias.empty()) {
    return;
  }
  std::vector<std::string> rest(vias.begin() + 1, vias.end());
  m.remove(HeaderId::kVia);
  for (auto it = rest.rbegin(); it != rest.rend(); ++it) {
    m.prepend(HeaderId::kVia, *it);
  }
}

// §16.6 step 3: Max-Forwards decremented (70 when absent); nullopt when it reached zero.
std::optional<uint32_t> hops_left(const Message& m) {
  if (!m.has(HeaderId::kMaxForwards)) {
    return 70;
  }
  auto mf = m.max_forwards();
  if (!mf || *mf == 0) {
    return std::nullopt;
  }
  return *mf - 1;
}

std::string_view lower_name(TransportKind kind) {
  static constexpr std::string_view kNames[] = {"udp", "tcp", "tls", "ws", "wss"};
  return kNames[static_cast<size_t>(kind)];
}

std::optional<TransportKind> kind_of(const sip::Uri& uri) {
  const std::string t = uri.transport();
  if (t.empty()) {
    return uri.scheme == sip::Uri::Scheme::kSips ? TransportKind::kTls : TransportKind::kUdp;
  }
  if (t == "udp") {
    return TransportKind::kUdp;
  }
  if (t == "tcp") {
    return TransportKind::kTcp;
  }
  if (t == "tls") {
    return TransportKind::kTls;
  }
  if (t == "ws") {
    return TransportKind::kWs;
  }
  if (t == "wss") {
    return TransportKind::kWss;
  }
  return std::nullopt;
}

}  // namespace

struct Proxy::Branch final : sip::ClientTransactionUser {
  // The user of the branch's CANCEL transaction: its responses do not matter (the INVITE
  // branch gets the 487), only that it ended.
  struct CancelUser final : sip::ClientTransactionUser {
    explicit CancelUser(Branch& branch) : branch(branch) {}
    void send(const Message&) override {}
    void on_response(const Message&) override {}
    void on_timeout() override {}
    void on_transport_error() override {}
    // May free the branch: nothing may follow.
    void on_terminated() override {
      branch.cancel_live = false;
      branch.proxy.on_branch_terminated(branch);
    }
    Branch& branch;
  };

  Branch(Proxy& proxy, Context& ctx, Message request, const Flow& target)
      : proxy(proxy), ctx(ctx), request(std::move(request)), target(target) {}

  void send(const Message&) override {}
  void on_response(const Message& r) override { proxy.on_branch_response(*this, r); }
  void on_timeout() override { proxy.on_branch_failure(*this, 408); }
  void on_transport_error() override { proxy.on_branch_failure(*this, 480); }
  // May free this: nothing may follow.
  void on_terminated() override {
    live = false;
    proxy.on_branch_terminated(*this);
  }

  Proxy& proxy;
  Context& ctx;
  Message request;  // as forwarded, for the CANCEL
  Flow target;
  int final_status = 0;
  bool provisional = false;
  bool cancel_wanted = false;
  bool cancelled = false;
  bool live = false;         // its client transaction exists
  bool cancel_live = false;  // its CANCEL's client transaction exists
  CancelUser cancel_user{*this};
};

struct Proxy::Context {
  sip::TransactionId server_id = 0;
  Message request;  // as received, Route entries of ours removed
  Flow source;
  bool invite = false;
  TimePoint started;
  std::vector<std::unique_ptr<Branch>> branches;
  bool final_sent = false;
  std::optional<Message> best;  // best failure response so far (§16.7 step 6)
  std::optional<TimePoint> ended;
};

Proxy::Proxy(boost::asio::io_context& io, Registrar& registrar, const ProxyOptions& options)
    : registrar_(registrar), options_(options), sweep_timer_(io) {
  arm_sweep();
}

Proxy::~Proxy() = default;

void Proxy::add_transport(sip::Transport& transport) {
  transports_[static_cast<size_t>(transport.kind())] = &transport;
}

void Proxy::route(sip::TransactionId id, const Message& request, const Flow& flow) {
  const TimePoint now = SteadyClock::now();
  auto reply = [&](int status, std::string_view reason) {
    layer_->respond(id, sip::make_response(request, status, reason, sip::random_token(10)));
  };
  if (!hops_left(request)) {
    return reply(483, "Too Many Hops");
  }
  const std::string user = sip::unescape(request.request_uri().user);
  if (!registrar_.knows(user)) {
    return reply(404, "Not Found");
  }
  const std::vector<Binding> bindings = registrar_.lookup(user, now);
  if (bindings.empty()) {
    return reply(480, "Temporarily Unavailable (not registered)");
  }
  if (request.method() == "INVITE") {
    layer_->respond(id, sip::make_response(request, 100));
  }
  Context& ctx = open_context(id, request, flow);
  // A Route of ours (a preloaded route set) is consumed here; anything else is not our business.
  ctx.request.remove(HeaderId::kRoute);
  const bool record = request.method() == "INVITE" || request.method() == "SUBSCRIBE" ||
                      request.method() == "REFER";
  for (const Binding& b : bindings) {
    fork(ctx, target_for(b), b.contact, record);
  }
  settle(ctx);
}

void Proxy::route_to(sip::TransactionId id, const Message& request, const Flow& flow,
                     const Flow& target, const sip::Uri& contact) {
  if (!hops_left(request)) {
    layer_->respond(id, sip::make_response(request, 483, "Too Many Hops", sip::random_token(10)));
    return;
  }
  if (request.method() == "INVITE") {
    layer_->respond(id, sip::make_response(request, 100));
  }
  Context& ctx = open_context(id, request, flow);
  ctx.request.remove(HeaderId::kRoute);
  fork(ctx, target, contact, request.method() == "INVITE");
  settle(ctx);
}

void Proxy::forward_in_dialog(sip::TransactionId id, const Message& request, const Flow& flow) {
  Message copy = request;
  auto target = in_dialog_target(copy, flow);
  if (!target) {
    layer_->respond(id, sip::make_response(request, 404, "Not Found (no route to the peer)"));
    return;
  }
  if (!hops_left(request)) {
    layer_->respond(id, sip::make_response(request, 483, "Too Many Hops"));
    return;
  }
  if (request.method() == "INVITE") {
    layer_->respond(id, sip::make_response(request, 100));
  }
  Context& ctx = open_context(id, copy, flow);
  const sip::Uri uri = copy.request_uri();
  fork(ctx, *target, uri, false);
  settle(ctx);
}

void Proxy::cancel(sip::TransactionId id, const Message& cancel) {
  const auto invite = layer_->invite_for_cancel(cancel);
  if (!invite) {
    layer_->respond(id, sip::make_response(cancel, 481, {}, sip::random_token(10)));
    return;
  }
  layer_->respond(id, sip::make_response(cancel, 200, {}, sip::random_token(10)));
  auto it = contexts_.find(*invite);
  if (it == contexts_.end() || it->second->final_sent) {
    return;
  }
  Context& ctx = *it->second;
  cancel_branches(ctx);
  answer(ctx, sip::make_response(ctx.request, 487, {}, sip::random_token(10)));
  settle(ctx);
}

void Proxy::on_stray(const Message& message, const Flow& flow) {
  if (message.is_request()) {
    if (message.method() != "ACK") {
      return;
    }
    // The ACK for a 2xx is end-to-end (§16.11): along the dialog's flows, with a Via of ours
    // whose branch derives from the incoming one, as a stateless proxy must.
    Message ack = message;
    auto target = in_dialog_target(ack, flow);
    auto hops = hops_left(ack);
    if (!target || !hops) {
      return;
    }
    auto via = ack.top_via();
    const std::string branch =
        std::string(kBranchPrefix) + "a" +
        std::to_string(std::hash<std::string_view>()(via ? via->branch() : "")) +
        std::to_string(target->remote.port);
    ack.set(HeaderId::kMaxForwards, std::to_string(*hops));
    ack.prepend(HeaderId::kVia, via_for(target->kind, target->local, branch));
    send_raw(ack, *target);
    return;
  }
  // A 2xx retransmission after our client transaction ended: pop our Via, follow the next.
  auto via = message.top_via();
  if (!via || !via->branch().starts_with(kBranchPrefix)) {
    return;
  }
  Message out = message;
  pop_via(out);
  auto next = out.top_via();
  auto where = sip::response_target(out);
  if (!next || !where || next->transport != "UDP") {
    return;
  }
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(where->host, ec);
  if (ec) {
    return;
  }
  send_raw(out, Flow{TransportKind::kUdp, {ip, where->port}, {}, 0});
}

Proxy::Context& Proxy::open_context(sip::TransactionId id, const Message& request,
                                    const Flow& flow) {
  auto ctx = std::make_unique<Context>();
  ctx->server_id = id;
  ctx->request = request;
  ctx->source = flow;
  ctx->invite = request.method() == "INVITE";
  ctx->started = SteadyClock::now();
  Context& ref = *ctx;
  contexts_[id] = std::move(ctx);
  return ref;
}

// §16.6: copy, new Request-URI, Max-Forwards, Record-Route, Via, then a client transaction.
void Proxy::fork(Context& ctx, const Flow& target, const sip::Uri& request_uri,
                 bool record_route_it) {
  Message request = ctx.request;
  request.request_uri() = request_uri;
  request.set(HeaderId::kMaxForwards, std::to_string(hops_left(ctx.request).value_or(0)));
  request.remove(HeaderId::kProxyAuthorization);  // consumed here (§22.3)
  if (record_route_it) {
    const std::string token = encode_flow_token({ctx.source, target});
    // RFC 5658: one entry per side when the two sides use different transports.
    if (ctx.source.kind != target.kind) {
      request.prepend(HeaderId::kRecordRoute,
                      record_route(ctx.source.kind, ctx.source.local, token));
    }
    request.prepend(HeaderId::kRecordRoute, record_route(target.kind, target.local, token));
  }
  const std::string branch = std::string(kBranchPrefix) + sip::random_token(16);
  request.prepend(HeaderId::kVia, via_for(target.kind, target.local, branch));
  auto owned = std::make_unique<Branch>(*this, ctx, request, target);
  Branch& b = *owned;
  ctx.branches.push_back(std::move(owned));
  if (layer_->send_request(std::move(request), target, b)) {
    b.live = true;
  } else {
    b.final_status = 480;
  }
}

void Proxy::on_branch_response(Branch& branch, const Message& response) {
  const int status = response.status();
  if (status == 100) {
    return;  // hop by hop: our server transaction sent its own
  }
  Context& ctx = branch.ctx;
  Message out = response;
  pop_via(out);
  if (status < 200) {
    branch.provisional = true;
    if (branch.cancel_wanted && !branch.cancelled) {
      send_cancel(branch);
    }
    if (!ctx.final_sent) {
      layer_->respond(ctx.server_id, std::move(out));
    }
    return;
  }
  const bool first_final = branch.final_status == 0;
  branch.final_status = status;
  if (status < 300) {
    // §16.7 step 5: every 2xx to an INVITE goes upstream, retransmissions included.
    if (ctx.invite || !ctx.final_sent) {
      answer(ctx, std::move(out));
    }
    cancel_branches(ctx);
  } else if (first_final) {
    if (!ctx.best || rank(status) < rank(ctx.best->status())) {
      ctx.best = std::move(out);
    }
    if (status >= 600) {
      cancel_branches(ctx);
    }
  }
  settle(ctx);
}

void Proxy::on_branch_failure(Branch& branch, int status) {
  if (branch.final_status != 0) {
    return;
  }
  branch.final_status = status;
  Context& ctx = branch.ctx;
  if (!ctx.best) {
    ctx.best = sip::make_response(ctx.request, status,
                                  status == 408 ? "Request Timeout (no contact answered)"
                                                : "Temporarily Unavailable (contact unreachable)",
                                  sip::random_token(10));
  }
  settle(ctx);
}

void Proxy::cancel_branches(Context& ctx) {
  if (!ctx.invite) {
    return;
  }
  for (auto& b : ctx.branches) {
    if (b->final_status != 0 || b->cancel_wanted) {
      continue;
    }
    b->cancel_wanted = true;
    if (b->provisional) {
      send_cancel(*b);  // §9.1: not before a provisional response
    }
  }
}

// §9.1: same Request-URI, Call-ID, From, To, CSeq number and top Via as the INVITE branch.
void Proxy::send_cancel(Branch& b) {
  b.cancelled = true;
  Message cancel = Message::request("CANCEL", b.request.request_uri());
  const auto vias = b.request.values(HeaderId::kVia);
  cancel.add(HeaderId::kVia, vias.front());
  for (HeaderId id : {HeaderId::kFrom, HeaderId::kTo, HeaderId::kCallId, HeaderId::kRoute}) {
    for (const auto& h : b.request.headers()) {
      if (h.id == id) {
        cancel.add(id, h.value);
      }
    }
  }
  cancel.add(HeaderId::kCSeq, std::to_string(b.request.cseq()->number) + " CANCEL");
  cancel.add(HeaderId::kMaxForwards, "70");
  b.cancel_live = layer_->send_request(std::move(cancel), b.target, b.cancel_user).ok();
}

// A branch's transactions ended. One that ended without a final response (a CANCELled INVITE
// whose callee never answered, §9.1) counts as failed; the context goes once it has answered
// upstream and none of its transactions can call back any more.
void Proxy::on_branch_terminated(Branch& branch) {
  Context& ctx = branch.ctx;
  if (!branch.live && branch.final_status == 0) {
    on_branch_failure(branch, 408);
  }
  if (!ctx.final_sent || !idle(ctx)) {
    return;
  }
  contexts_.erase(ctx.server_id);  // frees `branch`
}

bool Proxy::idle(const Context& ctx) {
  for (const auto& b : ctx.branches) {
    if (b->live || b->cancel_live) {
      return false;
    }
  }
  return true;
}

// Answers upstream once every branch is final; notes when the context may go.
void Proxy::settle(Context& ctx) {
  bool all_final = true;
  for (const auto& b : ctx.branches) {
    all_final = all_final && b->final_status != 0;
  }
  if (!all_final) {
    return;
  }
  if (!ctx.final_sent) {
    answer(ctx, ctx.best ? std::move(*ctx.best)
                         : sip::make_response(ctx.request, 480, "Temporarily Unavailable",
                                              sip::random_token(10)));
  }
  if (ctx.ended) {
    return;
  }
  ctx.ended = SteadyClock::now();
  // Only 2xx retransmissions can still come: the copies are not needed while the context waits.
  ctx.request = Message();
  for (auto& b : ctx.branches) {
    b->request = Message();
  }
}

void Proxy::answer(Context& ctx, Message response) {
  if (response.status() >= 200) {
    ctx.final_sent = true;
  }
  layer_->respond(ctx.server_id, std::move(response));
}

sip::Flow Proxy::target_for(const Binding& binding) const {
  const sip::Uri& contact = binding.contact;
  const std::string transport = contact.transport();
  // RFC 5626 (`ob`) and RFC 7118 contacts, and contacts whose host is not an address we could
  // reach, are reached over the registration's flow; plain ones at the address they name.
  const bool flow_only = contact.params.has("ob") || transport == "ws" || transport == "wss";
  auto by_uri = uri_target(contact);
  if (flow_only || !by_uri ||
      (by_uri->kind == binding.flow.kind && by_uri->remote == binding.flow.remote)) {
    return binding.flow;
  }
  return *by_uri;
}

std::optional<sip::Flow> Proxy::uri_target(const sip::Uri& uri) const {
  auto kind = kind_of(uri);
  if (!uri.is_sip() || !kind || transports_[static_cast<size_t>(*kind)] == nullptr) {
    return std::nullopt;
  }
  std::string host = uri.host;
  if (host.size() > 2 && host.front() == '[') {
    host = host.substr(1, host.size() - 2);
  }
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(host, ec);
  if (ec) {
    return std::nullopt;  // names are not resolved here: the pbx routes to addresses
  }
  const uint16_t port = uri.port.value_or(*kind == TransportKind::kTls ? 5061 : 5060);
  Flow flow{*kind, {ip, port}, transports_[static_cast<size_t>(*kind)]->local_address(), 0};
  return flow;
}

std::optional<sip::Flow> Proxy::in_dialog_target(Message& request, const Flow& from) {
  std::optional<FlowPair> flows;
  auto routes = request.routes();
  if (routes) {
    size_t own = 0;
    while (own < routes->size() && is_own_route((*routes)[own].uri)) {
      if (auto decoded = decode_flow_token((*routes)[own].uri.user)) {
        flows = decoded;
      }
      ++own;
    }
    if (own > 0) {
      request.remove(HeaderId::kRoute);
      for (size_t i = own; i < routes->size(); ++i) {
        request.add(HeaderId::kRoute, (*routes)[i].to_string());
      }
      if (own < routes->size()) {
        return std::nullopt;  // no relaying beyond our users
      }
    }
  }
  if (flows) {
    if (same_flow(from, flows->a)) {
      return flows->b;
    }
    if (same_flow(from, flows->b)) {
      return flows->a;
    }
  }
  // No token, or the party came back on another connection: a registered contact in the
  // Request-URI. Nothing else: the pbx is no open relay.
  const std::string user = sip::unescape(request.request_uri().user);
  for (const Binding& b : registrar_.lookup(user, SteadyClock::now())) {
    if (sip::equivalent(b.contact, request.request_uri())) {
      return target_for(b);
    }
  }
  return std::nullopt;
}

std::string Proxy::advertised(TransportKind kind, const sip::PeerAddress& hint) const {
  const sip::Transport* t = transports_[static_cast<size_t>(kind)];
  sip::PeerAddress a = t != nullptr ? t->local_address() : hint;
  // A wildcard listener: the address the flow was seen on, else loopback.
  if (a.ip.is_unspecified()) {
    a.ip = !hint.ip.is_unspecified()
               ? hint.ip
               : boost::asio::ip::address(boost::asio::ip::address_v4::loopback());
  }
  return a.to_string();
}

std::string Proxy::via_for(TransportKind kind, const sip::PeerAddress& hint,
                           std::string_view branch) const {
  return "SIP/2.0/" + std::string(sip::transport_name(kind)) + " " + advertised(kind, hint) +
         ";branch=" + std::string(branch) + ";rport";
}

std::string Proxy::record_route(TransportKind kind, const sip::PeerAddress& hint,
                                const std::string& token) const {
  return "<sip:" + token + "@" + advertised(kind, hint) +
         ";transport=" + std::string(lower_name(kind)) + ";lr>";
}

bool Proxy::send_raw(const Message& message, const Flow& flow) {
  sip::Transport* t = transports_[static_cast<size_t>(flow.kind)];
  return t != nullptr && t->send(sip::serialize(message), flow);
}

void Proxy::arm_sweep() {
  sweep_timer_.expires_after(std::chrono::seconds(1));
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) {
      return;
    }
    sweep();
    arm_sweep();
  });
}

// Callers whose contacts never answer get 480 after the ring timeout (the proxy's Timer C,
// §16.8). Contexts whose transactions all ended go as those end (on_branch_terminated); the
// ones that never had a transaction (every branch failed to send) go here.
void Proxy::sweep() {
  const TimePoint now = SteadyClock::now();
  for (auto it = contexts_.begin(); it != contexts_.end();) {
    Context& ctx = *it->second;
    if (!ctx.final_sent && now - ctx.started > options_.ring_timeout) {
      cancel_branches(ctx);
      answer(ctx, sip::make_response(ctx.request, 480, "Temporarily Unavailable (no answer)",
                                     sip::random_token(10)));
    }
    if (ctx.final_sent && idle(ctx)) {
      it = contexts_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace tandem::pbx
