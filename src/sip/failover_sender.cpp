#include "sip/failover_sender.hpp"

#include <boost/asio/post.hpp>

#include "sip/message_builder.hpp"
#include "sip/tcp_transport.hpp"
#include "sip/tls_transport.hpp"
#include "sip/udp_transport.hpp"

namespace tandem::sip {
namespace {

// Each try is a new transaction (RFC 3263 §4.3): a fresh branch, and the Via of its transport.
Status rewrite_via(Message& m, TransportKind kind, const std::optional<PeerAddress>& local) {
  auto via = m.top_via();
  if (!via) return via.error();
  Via v = std::move(*via);
  v.transport = std::string(transport_name(kind));
  if (local) {
    const std::string ip = local->ip.to_string();
    v.host = local->ip.is_v6() ? "[" + ip + "]" : ip;
    v.port = local->port;
  }
  v.params.set("branch", "z9hG4bK" + random_token(16));
  m.replace_first(HeaderId::kVia, v.to_string());
  return Ok{};
}

}  // namespace

// --- TransportFlowOpener ---

void TransportFlowOpener::open(const Target& target, std::function<void(Result<Flow>)> done) {
  switch (target.transport) {
    case TransportKind::kUdp:
      if (udp_ == nullptr) break;
      return done(Flow{TransportKind::kUdp, target.address, udp_->local_address(), 0});
    case TransportKind::kTcp:
      if (tcp_ == nullptr) break;
      // Nothing to write yet: the transaction sends the request once the flow exists.
      return tcp_->send_to(target.address, std::string(), std::move(done));
    case TransportKind::kTls:
      if (tls_ == nullptr) break;
      // RFC 5922 §4.1: the certificate must match the URI's domain, not the SRV target.
      return tls_->send_to(target.address, std::string(), std::move(done), target.domain);
    case TransportKind::kWs:
    case TransportKind::kWss:
      break;
  }
  done(Error{"no " + std::string(transport_name(target.transport)) + " transport to reach " +
             target.address.to_string()});
}

std::optional<PeerAddress> TransportFlowOpener::local_address(TransportKind kind) const {
  switch (kind) {
    case TransportKind::kUdp:
      if (udp_ != nullptr) return udp_->local_address();
      break;
    case TransportKind::kTcp:
      if (tcp_ != nullptr) return tcp_->local_address();
      break;
    case TransportKind::kTls:
      if (tls_ != nullptr) return tls_->local_address();
      break;
    default:
      break;
  }
  return std::nullopt;
}

// --- FailoverSender ---

// The transaction user of one try. Detached when its outcome no longer matters; it then lives
// on (retired_) while its transaction may still call it.
class FailoverSender::Attempt final : public ClientTransactionUser {
 public:
  Attempt(FailoverSender& owner, FailoverId id, size_t index)
      : owner_(&owner), id(id), index(index) {}

  void send(const Message& /*message*/) override {}  // the transaction layer sends
  void on_response(const Message& response) override {
    if (owner_ != nullptr) owner_->on_attempt_response(*this, response);
  }
  void on_timeout() override {
    if (owner_ != nullptr) owner_->on_attempt_failed(*this, std::nullopt);
  }
  void on_transport_error() override {
    if (owner_ != nullptr) owner_->on_attempt_failed(*this, Error{"transport error"});
  }
  void detach() { owner_ = nullptr; }

  FailoverSender* owner_;
  const FailoverId id;
  const size_t index;
};

struct FailoverSender::Request {
  Message message;
  std::vector<Target> targets;
  FailoverUser* user = nullptr;
  size_t index = 0;
  std::unique_ptr<Attempt> attempt;
  std::optional<Error> transport_error;  // why the latest try failed, if it was not a timeout
  bool more() const { return index + 1 < targets.size(); }
};

FailoverSender::FailoverSender(boost::asio::io_context& io, RequestSender& sender,
                               FlowOpener& opener, const TimerConfig& timers,
                               std::function<TimePoint()> clock)
    : io_(io),
      sender_(sender),
      opener_(opener),
      // The longest a transaction can still call its user: Timer B/F, then D, K or M.
      linger_(timers.t1 * 64 + timers.timer_d + timers.t4),
      clock_(std::move(clock)) {}

FailoverSender::~FailoverSender() { *alive_ = false; }

Result<FailoverId> FailoverSender::send(Message request, std::vector<Target> targets,
                                        FailoverUser& user) {
  sweep();
  if (targets.empty()) return Error{"no targets to send the request to"};
  if (auto via = request.top_via(); !via) return via.error();
  const FailoverId id = next_id_++;
  auto r = std::make_unique<Request>();
  r->message = std::move(request);
  r->targets = std::move(targets);
  r->user = &user;
  requests_.emplace(id, std::move(r));
  boost::asio::post(io_, [this, alive = alive_, id] {
    if (*alive) try_next(id);
  });
  return id;
}

void FailoverSender::cancel(FailoverId id) {
  finish(id);
  sweep();
}

void FailoverSender::try_next(FailoverId id) {
  auto it = requests_.find(id);
  if (it == requests_.end()) return;
  Request& r = *it->second;
  const size_t index = r.index;
  opener_.open(r.targets[index], [this, alive = alive_, id, index](Result<Flow> flow) {
    if (*alive) on_flow(id, index, std::move(flow));
  });
}

void FailoverSender::on_flow(FailoverId id, size_t index, Result<Flow> flow) {
  auto it = requests_.find(id);
  if (it == requests_.end() || it->second->index != index) return;  // cancelled meanwhile
  Request& r = *it->second;
  const Target& target = r.targets[index];
  if (!flow) {
    r.transport_error = flow.error();
    return advance(r, id);
  }
  Message message = r.message;
  if (auto s = rewrite_via(message, target.transport, opener_.local_address(target.transport));
      !s) {
    r.transport_error = s.error();
    return advance(r, id);
  }
  r.user->on_attempt(target, message);
  it = requests_.find(id);  // the user may have cancelled
  if (it == requests_.end()) return;
  auto attempt = std::make_unique<Attempt>(*this, id, index);
  auto sent = sender_.send_request(std::move(message), *flow, *attempt);
  if (!sent) {  // no transaction was created: nothing refers to the attempt
    it->second->transport_error = sent.error();
    return advance(*it->second, id);
  }
  it->second->attempt = std::move(attempt);
}

void FailoverSender::on_attempt_response(Attempt& attempt, const Message& response) {
  auto it = requests_.find(attempt.id);
  if (it == requests_.end() || it->second->attempt.get() != &attempt) return;
  Request& r = *it->second;
  const Target target = r.targets[r.index];
  if (response.status() < 200) return r.user->on_response(response, target);
  if (response.status() == 503 && r.more()) {  // RFC 3261 §21.5.4, RFC 3263 §4.3
    r.transport_error = Error{"503 from " + target.to_string()};
    retire(std::move(r.attempt));
    return advance(r, attempt.id);
  }
  FailoverUser* user = r.user;
  finish(attempt.id);
  user->on_response(response, target);
}

void FailoverSender::on_attempt_failed(Attempt& attempt, std::optional<Error> transport_error) {
  auto it = requests_.find(attempt.id);
  if (it == requests_.end() || it->second->attempt.get() != &attempt) return;
  Request& r = *it->second;
  r.transport_error = std::move(transport_error);
  if (r.transport_error) r.transport_error->reason += " on " + r.targets[r.index].to_string();
  retire(std::move(r.attempt));
  advance(r, attempt.id);
}

// Next target, from the io_context: never from inside the transaction layer's callback.
void FailoverSender::advance(Request& r, FailoverId id) {
  if (!r.more()) {
    FailoverUser* user = r.user;
    std::optional<Error> error = std::move(r.transport_error);
    finish(id);
    return error ? user->on_transport_error(*error) : user->on_timeout();
  }
  const Target& target = r.targets[r.index];
  r.user->on_target_failed(target, r.transport_error ? *r.transport_error : Error{"timeout"});
  auto it = requests_.find(id);
  if (it == requests_.end()) return;  // the user cancelled
  ++it->second->index;
  boost::asio::post(io_, [this, alive = alive_, id] {
    if (*alive) try_next(id);
  });
}

void FailoverSender::finish(FailoverId id) {
  auto it = requests_.find(id);
  if (it == requests_.end()) return;
  if (it->second->attempt) retire(std::move(it->second->attempt));
  requests_.erase(it);
  sweep();
}

void FailoverSender::retire(std::unique_ptr<Attempt> attempt) {
  attempt->detach();
  retired_.emplace_back(clock_() + linger_, std::move(attempt));
}

void FailoverSender::sweep() {
  const TimePoint now = clock_();
  while (!retired_.empty() && retired_.front().first <= now) retired_.pop_front();
}

}  // namespace tandem::sip
