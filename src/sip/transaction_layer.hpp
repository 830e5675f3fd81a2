// The transaction layer: matches incoming messages to transactions (RFC 3261 §17.1.3, §17.2.3,
// with the RFC 2543 fallback), owns the transactions and drives their timers on the signaling
// thread's io_context, detects merged requests (§8.2.2.2), and hands new requests and stray
// messages to its user.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "sip/transaction_common.hpp"
#include "sip/transport.hpp"

namespace tandem::sip {

using TransactionId = uint64_t;

// Where the layer's time comes from. With `asio_timers` false nothing is armed: the owner moves
// its clock and calls tick(), so unit tests step Timers A-M exactly, with no sleeps.
struct LayerClock {
  std::function<TimePoint()> now = [] { return SteadyClock::now(); };
  bool asio_timers = true;
};

class TransactionLayer final : public TransportUser {
 public:
  class User {
   public:
    virtual ~User() = default;
    // A new request (never a retransmission). Answer with respond(id, ...).
    virtual void on_request(TransactionId id, const Message& request, const Flow& flow) = 0;
    // Messages no transaction owns: ACK for a 2xx, 2xx retransmissions after the client
    // transaction ended (§13.2.2.4, RFC 6026). The dialog layer deals with them.
    virtual void on_stray(const Message& message, const Flow& flow) = 0;
  };

  TransactionLayer(boost::asio::io_context& io, User& user, const TimerConfig& timers = {},
                   LayerClock clock = {});
  ~TransactionLayer() override;

  // The transport responses and requests of `kind` go out on.
  void add_transport(Transport& transport);

  // Server side. False when the transaction no longer exists.
  bool respond(TransactionId id, Message response);
  // The INVITE server transaction a CANCEL refers to (§9.2), if it still exists.
  std::optional<TransactionId> invite_for_cancel(const Message& cancel) const;

  // Client side: starts a transaction for `request` toward `target` (its top Via must carry an
  // RFC 3261 branch). `user` must outlive the transaction: until its on_terminated(). A CANCEL
  // sent this way also bounds its INVITE's transaction: without a final response 64*T1 later,
  // the INVITE transaction is dropped (§9.1) and its user hears only on_terminated().
  Result<TransactionId> send_request(Message request, const Flow& target,
                                     ClientTransactionUser& user);

  // Outside any transaction: the ACK for a 2xx (§13.2.2.4) and 2xx retransmissions once the
  // INVITE server transaction is gone (§13.3.1.4). False when the flow cannot be sent on.
  bool send_stateless(const Message& message, const Flow& flow) { return send(message, flow); }

  size_t size() const { return server_.size() + client_.size(); }
  size_t client_count() const { return client_.size(); }

  // Runs the transactions' timers that are due on the layer's clock (the asio timer calls it
  // when `asio_timers` is on).
  void tick();

  // TransportUser
  void on_message(Message message, const Flow& flow) override;

 private:
  struct ServerEntry;
  struct ClientEntry;

  void on_request(Message request, const Flow& flow);
  void on_response(const Message& response, const Flow& flow);
  bool send(const Message& message, const Flow& flow);
  void bound_by_cancel(const std::string& cancel_key);
  // Removes ended transactions and re-arms the timer, but only once the outermost call returns:
  // user callbacks may re-enter the layer while a transaction is still on the stack.
  void settle();
  void sweep();
  void schedule();
  // Only transactions touched since the last settle() can have ended or moved their deadline:
  // settle() looks at those and a deadline heap (stale entries skipped), never at all of them.
  void touch(bool server, const std::string& key) { touched_.push_back({server, key}); }
  struct Deadline {
    TimePoint at;
    bool server;
    std::string key;
    bool operator>(const Deadline& o) const { return at > o.at; }
  };
  TimePoint now() const { return clock_.now(); }

  User& user_;
  TimerConfig timers_;
  LayerClock clock_;
  boost::asio::steady_timer timer_;
  Transport* transports_[5] = {};
  TransactionId next_id_ = 1;
  int depth_ = 0;  // nesting of public entry points currently running
  std::unordered_map<std::string, std::unique_ptr<ServerEntry>> server_;  // by matching key
  std::unordered_map<std::string, std::unique_ptr<ClientEntry>> client_;
  std::unordered_map<TransactionId, std::string> server_ids_;  // id -> key
  std::unordered_map<std::string, std::string> merge_keys_;    // §8.2.2.2 -> key
  std::vector<std::pair<bool, std::string>> touched_;          // (server?, key)
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;
  std::vector<ClientTransactionUser*> ended_;  // to tell on_terminated() once sweep() is done
  std::optional<TimePoint> armed_;             // what timer_ waits for
};

}  // namespace tandem::sip
