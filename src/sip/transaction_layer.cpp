#include "sip/transaction_layer.hpp"

#include <vector>

#include "sip/invite_client_transaction.hpp"
#include "sip/invite_server_transaction.hpp"
#include "sip/message_builder.hpp"
#include "sip/non_invite_client_transaction.hpp"
#include "sip/non_invite_server_transaction.hpp"
#include "sip/serializer.hpp"

namespace tandem::sip {
namespace {

Reliability reliability(const Flow& flow) {
  return is_reliable(flow.kind) ? Reliability::kReliable : Reliability::kUnreliable;
}

// §17.2.3: branch + sent-by + method (ACK matches its INVITE); RFC 2543 peers without the magic
// cookie are matched on the dialog fields instead.
std::string server_key(const Message& m, std::string_view method) {
  auto via = m.first_as(HeaderId::kVia, parse_via_view);
  const std::string branch(via ? via->branch : std::string_view());
  if (branch.starts_with("z9hG4bK")) {
    return "3|" + branch + "|" + std::string(via->host) + ":" +
           std::to_string(via->port.value_or(0)) + "|" + std::string(method);
  }
  auto from = m.first_as(HeaderId::kFrom, parse_name_addr_view);
  auto cseq = m.cseq();
  return "2|" + m.request_uri().to_string() + "|" + std::string(from ? from->tag : "") + "|" +
         std::string(m.call_id() ? *m.call_id() : "") + "|" +
         std::to_string(cseq ? cseq->number : 0) + "|" + std::string(method) + "|" +
         std::string(m.find(HeaderId::kVia) ? first_comma_item(m.find(HeaderId::kVia)->value) : "");
}

// §17.1.3: the top Via branch and the CSeq method.
std::string client_key(const Message& m) {
  auto via = m.first_as(HeaderId::kVia, parse_via_view);
  auto cseq = m.cseq();
  return std::string(via ? via->branch : std::string_view()) + "|" + (cseq ? cseq->method : "");
}

// §8.2.2.2: a request without a To tag identified by From tag, Call-ID and CSeq.
std::optional<std::string> merge_key(const Message& m) {
  auto to = m.first_as(HeaderId::kTo, parse_name_addr_view);
  auto from = m.first_as(HeaderId::kFrom, parse_name_addr_view);
  auto cseq = m.cseq();
  if (!to || !to->tag.empty() || !from || !cseq || !m.call_id()) return std::nullopt;
  return std::string(from->tag) + "|" + std::string(*m.call_id()) + "|" + cseq->to_string();
}

}  // namespace

struct TransactionLayer::ServerEntry final : ServerTransactionUser {
  ServerEntry(TransactionLayer& layer, TransactionId id, std::string key, const Flow& flow)
      : layer(layer), id(id), key(std::move(key)), flow(flow) {}

  void send(const Message& m) override { layer.send(m, flow); }
  void on_ack(const Message& ack) override { layer.user_.on_stray(ack, flow); }
  void on_timeout() override {}          // Timer H: the peer never ACKed our failure response
  void on_transport_error() override {}  // the connection is gone; nothing else to tell

  bool terminated() const {
    return invite ? invite->state() == InviteServerTransaction::State::kTerminated
                  : other->state() == NonInviteServerTransaction::State::kTerminated;
  }
  std::optional<TimePoint> next_deadline() const {
    return invite ? invite->next_deadline() : other->next_deadline();
  }

  TransactionLayer& layer;
  TransactionId id;
  std::string key;
  std::optional<std::string> merge;
  Flow flow;
  std::optional<InviteServerTransaction> invite;
  std::optional<NonInviteServerTransaction> other;
};

struct TransactionLayer::ClientEntry final : ClientTransactionUser {
  ClientEntry(TransactionLayer& layer, const Flow& target, ClientTransactionUser& user)
      : layer(layer), target(target), user(user) {}

  void send(const Message& m) override {
    if (!layer.send(m, target)) failed = true;
  }
  void on_response(const Message& r) override { user.on_response(r); }
  void on_timeout() override { user.on_timeout(); }
  void on_transport_error() override { user.on_transport_error(); }

  bool terminated() const {
    if (abandoned) return true;
    return invite ? invite->state() == InviteClientTransaction::State::kTerminated
                  : other->state() == NonInviteClientTransaction::State::kTerminated;
  }
  // Still waiting for the final response (what a CANCEL can end).
  bool pending_invite() const {
    return invite && (invite->state() == InviteClientTransaction::State::kCalling ||
                      invite->state() == InviteClientTransaction::State::kProceeding);
  }
  std::optional<TimePoint> next_deadline() const {
    auto own = invite ? invite->next_deadline() : other->next_deadline();
    if (cancel_deadline && pending_invite() && (!own || *cancel_deadline < *own)) {
      return cancel_deadline;
    }
    return own;
  }
  void on_tick(TimePoint t) {
    if (invite) invite->on_tick(t);
    if (other) other->on_tick(t);
    // §9.1: no final response 64*T1 after our CANCEL: consider the INVITE cancelled.
    if (cancel_deadline && *cancel_deadline <= t && pending_invite()) abandoned = true;
  }

  TransactionLayer& layer;
  Flow target;
  ClientTransactionUser& user;
  bool failed = false;
  bool abandoned = false;
  std::optional<TimePoint> cancel_deadline;
  std::optional<InviteClientTransaction> invite;
  std::optional<NonInviteClientTransaction> other;
};

TransactionLayer::TransactionLayer(boost::asio::io_context& io, User& user,
                                   const TimerConfig& timers, LayerClock clock)
    : user_(user), timers_(timers), clock_(std::move(clock)), timer_(io) {}

TransactionLayer::~TransactionLayer() = default;

void TransactionLayer::add_transport(Transport& transport) {
  transports_[static_cast<size_t>(transport.kind())] = &transport;
}

bool TransactionLayer::send(const Message& message, const Flow& flow) {
  Transport* transport = transports_[static_cast<size_t>(flow.kind)];
  return transport != nullptr && transport->send(serialize(message), flow);
}

namespace {
struct Nesting {
  explicit Nesting(int& depth) : depth(depth) { ++depth; }
  ~Nesting() { --depth; }
  int& depth;
};
}  // namespace

void TransactionLayer::settle() {
  if (depth_ > 0) return;
  schedule();  // sweeps first
}

void TransactionLayer::on_message(Message message, const Flow& flow) {
  {
    Nesting nesting(depth_);
    if (message.is_request()) {
      on_request(std::move(message), flow);
    } else {
      on_response(message, flow);
    }
  }
  settle();
}

void TransactionLayer::on_request(Message request, const Flow& flow) {
  const std::string method = request.method();
  const bool ack = method == "ACK";
  const std::string key = server_key(request, ack ? "INVITE" : method);
  if (auto it = server_.find(key); it != server_.end()) {
    ServerEntry& e = *it->second;
    touch(true, key);
    if (e.invite) {
      e.invite->on_request(request, now());
    } else if (!ack) {
      e.other->on_request(request, now());
    }
    return;
  }
  if (ack) return user_.on_stray(request, flow);  // the ACK for a 2xx: dialog business
  const auto merge = merge_key(request);
  if (merge) {
    if (auto m = merge_keys_.find(*merge); m != merge_keys_.end() && server_.contains(m->second)) {
      send(make_response(request, 482, "Loop Detected (merged request)", random_token(10)), flow);
      return;
    }
  }
  const TransactionId id = next_id_++;
  auto entry = std::make_unique<ServerEntry>(*this, id, key, flow);
  if (method == "INVITE") {
    entry->invite.emplace(request, reliability(flow), timers_, *entry);
  } else {
    entry->other.emplace(request, reliability(flow), timers_, *entry);
  }
  if (merge) {
    entry->merge = *merge;
    merge_keys_[*merge] = key;
  }
  server_ids_[id] = key;
  server_.emplace(key, std::move(entry));
  touch(true, key);
  user_.on_request(id, request, flow);
}

void TransactionLayer::on_response(const Message& response, const Flow& flow) {
  auto it = client_.find(client_key(response));
  if (it == client_.end()) return user_.on_stray(response, flow);
  ClientEntry& e = *it->second;
  touch(false, it->first);
  if (e.invite) {
    e.invite->on_response(response, now());
  } else {
    e.other->on_response(response, now());
  }
}

bool TransactionLayer::respond(TransactionId id, Message response) {
  auto key = server_ids_.find(id);
  if (key == server_ids_.end()) return false;
  {
    Nesting nesting(depth_);
    ServerEntry& e = *server_.at(key->second);
    touch(true, key->second);
    if (e.invite) {
      e.invite->respond(std::move(response), now());
    } else {
      e.other->respond(std::move(response), now());
    }
  }
  settle();
  return true;
}

std::optional<TransactionId> TransactionLayer::invite_for_cancel(const Message& cancel) const {
  auto it = server_.find(server_key(cancel, "INVITE"));
  if (it == server_.end() || !it->second->invite) return std::nullopt;
  return it->second->id;
}

Result<TransactionId> TransactionLayer::send_request(Message request, const Flow& target,
                                                     ClientTransactionUser& user) {
  auto via = request.first_as(HeaderId::kVia, parse_via_view);
  if (!via || !via->branch.starts_with("z9hG4bK")) {
    return Error{"a request sent by a transaction needs a top Via with an RFC 3261 branch"};
  }
  const std::string key = client_key(request);
  if (client_.contains(key)) return Error{"a transaction with this branch already exists"};
  Nesting nesting(depth_);
  auto entry = std::make_unique<ClientEntry>(*this, target, user);
  if (request.method() == "INVITE") {
    entry->invite.emplace(std::move(request), reliability(target), timers_, *entry, now());
  } else {
    entry->other.emplace(std::move(request), reliability(target), timers_, *entry, now());
  }
  if (entry->failed) {
    return Error{"cannot send to " + std::string(transport_name(target.kind)) + ":" +
                 target.remote.to_string()};
  }
  const TransactionId id = next_id_++;
  if (entry->other && entry->other->request().method() == "CANCEL") bound_by_cancel(key);
  client_.emplace(key, std::move(entry));
  touch(false, key);
  if (depth_ == 1) schedule();
  return id;
}

// The INVITE a CANCEL with this key (same branch, §9.1) cancels gives up 64*T1 from now.
void TransactionLayer::bound_by_cancel(const std::string& cancel_key) {
  const std::string key = cancel_key.substr(0, cancel_key.rfind('|')) + "|INVITE";
  auto it = client_.find(key);
  if (it == client_.end() || !it->second->pending_invite() || it->second->cancel_deadline) return;
  it->second->cancel_deadline = now() + 64 * timers_.t1;
  touch(false, key);
}

// Ends what the touched transactions ended, and queues the deadlines they now have.
void TransactionLayer::sweep() {
  std::vector<std::pair<bool, std::string>> touched;
  touched.swap(touched_);
  for (const auto& [server, key] : touched) {
    std::optional<TimePoint> deadline;
    if (server) {
      auto it = server_.find(key);
      if (it == server_.end()) continue;
      if (it->second->terminated()) {
        server_ids_.erase(it->second->id);
        if (it->second->merge) merge_keys_.erase(*it->second->merge);
        server_.erase(it);
        continue;
      }
      deadline = it->second->next_deadline();
    } else {
      auto it = client_.find(key);
      if (it == client_.end()) continue;
      if (it->second->terminated()) {
        ended_.push_back(&it->second->user);
        client_.erase(it);
        continue;
      }
      deadline = it->second->next_deadline();
    }
    if (deadline) deadlines_.push(Deadline{*deadline, server, key});
  }
}

// The asio timer waits for the earliest live deadline; heap entries whose transaction ended or
// moved its deadline are dropped on the way (the move pushed a fresh entry).
void TransactionLayer::schedule() {
  sweep();
  // Users hear of ended transactions only now, outside any transaction's code; what they start
  // meanwhile is swept in the next round.
  while (!ended_.empty()) {
    std::vector<ClientTransactionUser*> ended;
    ended.swap(ended_);
    {
      Nesting nesting(depth_);
      for (ClientTransactionUser* user : ended) user->on_terminated();
    }
    sweep();
  }
  while (!deadlines_.empty()) {
    const Deadline& top = deadlines_.top();
    std::optional<TimePoint> current;
    if (top.server) {
      if (auto it = server_.find(top.key); it != server_.end())
        current = it->second->next_deadline();
    } else {
      if (auto it = client_.find(top.key); it != client_.end())
        current = it->second->next_deadline();
    }
    if (current == top.at) break;
    deadlines_.pop();
  }
  if (deadlines_.empty()) {
    armed_.reset();
    timer_.cancel();
    return;
  }
  const TimePoint at = deadlines_.top().at;
  if (!clock_.asio_timers || armed_ == at) return;
  armed_ = at;
  timer_.expires_at(at);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) tick();
  });
}

void TransactionLayer::tick() {
  armed_.reset();
  {
    Nesting nesting(depth_);
    const TimePoint t = now();
    // Collect first: a callback may start new transactions while we iterate.
    std::vector<Deadline> due;
    while (!deadlines_.empty() && deadlines_.top().at <= t) {
      due.push_back(deadlines_.top());
      deadlines_.pop();
    }
    for (const Deadline& d : due) {
      touch(d.server, d.key);
      if (d.server) {
        auto it = server_.find(d.key);
        if (it == server_.end()) continue;
        if (it->second->invite) it->second->invite->on_tick(t);
        if (it->second->other) it->second->other->on_tick(t);
      } else {
        auto it = client_.find(d.key);
        if (it == client_.end()) continue;
        it->second->on_tick(t);
      }
    }
  }
  settle();
}

}  // namespace tandem::sip
