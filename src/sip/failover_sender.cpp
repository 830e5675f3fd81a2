#include "sip/failover_sender.hpp"

#include "sip/message_builder.hpp"

namespace tandem::sip {
namespace {

// Each try is a new transaction (RFC 3263 §4.3): a fresh branch, and the Via of its transport.
Status rewrite_via(Message& m, const Flow& flow, const std::optional<PeerAddress>& listening) {
  auto via = m.top_via();
  if (!via) return via.error();
  Via v = std::move(*via);
  v.transport = std::string(transport_name(flow.kind));
  const PeerAddress sent_by = listening ? *listening : flow.local;
  if (!sent_by.ip.is_unspecified() || sent_by.port != 0) {
    const std::string ip = sent_by.ip.to_string();
    v.host = sent_by.ip.is_v6() ? "[" + ip + "]" : ip;
    v.port = sent_by.port;
  }
  v.params.set("branch", "z9hG4bK" + random_token(16));
  m.replace_first(HeaderId::kVia, v.to_string());
  return Ok{};
}

}  // namespace

// The transaction user of one try. Retired when its outcome no longer matters; it then lives on
// (retired_) until its transaction terminates, so the transaction never refers to freed memory.
class FailoverSender::Attempt final : public ClientTransactionUser {
 public:
  Attempt(FailoverSender& owner, FailoverId id, size_t index)
      : owner_(owner), id(id), index(index) {}

  void send(const Message& /*message*/) override {}  // the transaction layer sends
  void on_response(const Message& response) override {
    if (!retired) owner_.on_attempt_response(*this, response);
  }
  void on_timeout() override {
    if (!retired) owner_.on_attempt_failed(*this, std::nullopt);
  }
  void on_transport_error() override {
    if (!retired) owner_.on_attempt_failed(*this, Error{"transport error"});
  }
  // May free this: nothing may follow the call.
  void on_terminated() override { owner_.on_attempt_terminated(*this); }

  FailoverSender& owner_;
  const FailoverId id;
  const size_t index;
  bool retired = false;
};

struct FailoverSender::Request {
  Message message;
  NextHops hops;
  FailoverUser* user = nullptr;
  size_t index = 0;
  std::unique_ptr<Attempt> attempt;
  std::optional<Error> transport_error;  // why the latest try failed, if it was not a timeout
  bool reached = false;                  // an INVITE's target has the call (see reached())
  bool answered = false;                 // an INVITE got its 2xx: only later 2xx remain
  bool more() const { return index + 1 < hops.targets.size(); }
};

FailoverSender::FailoverSender(RequestSender& sender) : sender_(sender) {}

FailoverSender::~FailoverSender() { *alive_ = false; }

Result<FailoverId> FailoverSender::send(Message request, NextHops hops, FailoverUser& user) {
  if (hops.targets.empty()) return Error{"no targets to send the request to"};
  if (!hops.opener) return Error{"no way to open flows to the targets"};
  if (auto via = request.top_via(); !via) return via.error();
  const FailoverId id = next_id_++;
  auto r = std::make_unique<Request>();
  r->message = std::move(request);
  r->hops = std::move(hops);
  r->user = &user;
  requests_.emplace(id, std::move(r));
  try_next(id);
  return id;
}

void FailoverSender::cancel(FailoverId id) { finish(id); }

void FailoverSender::try_next(FailoverId id) {
  auto it = requests_.find(id);
  if (it == requests_.end()) return;
  Request& r = *it->second;
  const size_t index = r.index;
  // The opener stays alive with the callback even if the request is cancelled meanwhile.
  std::shared_ptr<FlowOpener> opener = r.hops.opener;
  opener->open(r.hops.targets[index], [this, alive = alive_, id, index](Result<Flow> flow) {
    if (*alive) on_flow(id, index, std::move(flow));
  });
}

void FailoverSender::on_flow(FailoverId id, size_t index, Result<Flow> flow) {
  auto it = requests_.find(id);
  if (it == requests_.end() || it->second->index != index) return;  // cancelled meanwhile
  Request& r = *it->second;
  const Target target = r.hops.targets[index];
  if (!flow) {
    r.transport_error = flow.error();
    return advance(r, id);
  }
  Message message = r.message;
  if (auto s = rewrite_via(message, *flow, r.hops.opener->local_address(flow->kind)); !s) {
    r.transport_error = s.error();
    return advance(r, id);
  }
  r.user->on_attempt(target, message, *flow);
  it = requests_.find(id);  // the user may have cancelled
  if (it == requests_.end()) return;
  auto attempt = std::make_unique<Attempt>(*this, id, index);
  Attempt* raw = attempt.get();
  it->second->attempt = std::move(attempt);
  auto sent = sender_.send_request(std::move(message), *flow, *raw);
  it = requests_.find(id);
  if (!sent) {  // no transaction was created: nothing refers to the attempt
    if (it == requests_.end()) return;
    it->second->attempt.reset();
    it->second->transport_error = sent.error();
    return advance(*it->second, id);
  }
}

void FailoverSender::on_attempt_response(Attempt& attempt, const Message& response) {
  auto it = requests_.find(attempt.id);
  if (it == requests_.end() || it->second->attempt.get() != &attempt) return;
  Request& r = *it->second;
  const Target target = r.hops.targets[r.index];
  const int status = response.status();
  if (r.answered) {  // an INVITE's later 2xx; its transaction absorbs anything else
    if (status >= 200 && status < 300) r.user->on_response(response, target);
    return;
  }
  if (reached(r.message, status)) r.reached = true;
  if (status < 200) return r.user->on_response(response, target);
  if (status == 503 && r.more() && !r.reached) {  // RFC 3261 §21.5.4, RFC 3263 §4.3
    r.transport_error = Error{"503 from " + target.to_string()};
    retire(std::move(r.attempt));
    return advance(r, attempt.id);
  }
  FailoverUser* user = r.user;
  if (r.message.method() == "INVITE" && status < 300) {
    // Other forks may still answer 2xx until the transaction ends (RFC 6026 Accepted).
    r.answered = true;
  } else {
    finish(attempt.id);
  }
  user->on_response(response, target);
}

void FailoverSender::on_attempt_failed(Attempt& attempt, std::optional<Error> transport_error) {
  auto it = requests_.find(attempt.id);
  if (it == requests_.end() || it->second->attempt.get() != &attempt) return;
  Request& r = *it->second;
  if (r.answered) return;
  r.transport_error = std::move(transport_error);
  if (r.transport_error) r.transport_error->reason += " on " + r.hops.targets[r.index].to_string();
  retire(std::move(r.attempt));
  if (r.reached) {  // the target had the call: no failover
    FailoverUser* user = r.user;
    std::optional<Error> error = std::move(r.transport_error);
    finish(attempt.id);
    return error ? user->on_transport_error(*error) : user->on_timeout();
  }
  advance(r, attempt.id);
}

void FailoverSender::on_attempt_terminated(Attempt& attempt) {
  if (attempt.retired) {
    retired_.erase(&attempt);  // frees it: the transaction no longer refers to it
    return;
  }
  const FailoverId id = attempt.id;
  auto it = requests_.find(id);
  if (it == requests_.end() || it->second->attempt.get() != &attempt) return;
  // The transaction ended without telling an outcome: an answered INVITE's Timer M, or a
  // CANCELled INVITE that never got its final response (§9.1).
  FailoverUser* user = it->second->user;
  const bool answered = it->second->answered;
  it->second->attempt.reset();  // frees `attempt`: the layer is done with it
  finish(id);
  if (!answered) user->on_timeout();
}

void FailoverSender::advance(Request& r, FailoverId id) {
  if (!r.more()) {
    FailoverUser* user = r.user;
    std::optional<Error> error = std::move(r.transport_error);
    finish(id);
    return error ? user->on_transport_error(*error) : user->on_timeout();
  }
  const Target& target = r.hops.targets[r.index];
  r.user->on_target_failed(target, r.transport_error ? *r.transport_error : Error{"timeout"});
  auto it = requests_.find(id);
  if (it == requests_.end()) return;  // the user cancelled
  ++it->second->index;
  try_next(id);
}

void FailoverSender::finish(FailoverId id) {
  auto it = requests_.find(id);
  if (it == requests_.end()) return;
  std::unique_ptr<Request> r = std::move(it->second);
  requests_.erase(it);
  if (r->attempt) retire(std::move(r->attempt));
}

void FailoverSender::retire(std::unique_ptr<Attempt> attempt) {
  attempt->retired = true;
  const Attempt* key = attempt.get();
  retired_.emplace(key, std::move(attempt));
}

}  // namespace tandem::sip
