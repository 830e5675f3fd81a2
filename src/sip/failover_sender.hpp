// RFC 3263 §4.3 failover: sends a request to the first of its targets and, on a transport
// failure, a transaction timeout or a 503 (RFC 3261 §21.5.4), to the next one, each try a new
// client transaction with a fresh branch. The user hears the responses of the try that answered,
// or how the last target failed. This is the one implementation of "try the next target": the
// user agent core's ClientRequest sends everything through it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "sip/next_hop.hpp"
#include "sip/transaction_common.hpp"
#include "sip/transaction_layer.hpp"

namespace tandem::sip {

// The part of TransactionLayer failover needs, so tests can stand in for it.
class RequestSender {
 public:
  virtual ~RequestSender() = default;
  virtual Result<TransactionId> send_request(Message request, const Flow& target,
                                             ClientTransactionUser& user) = 0;
};

class TransactionLayerSender final : public RequestSender {
 public:
  explicit TransactionLayerSender(TransactionLayer& layer) : layer_(layer) {}
  Result<TransactionId> send_request(Message request, const Flow& target,
                                     ClientTransactionUser& user) override {
    return layer_.send_request(std::move(request), target, user);
  }

 private:
  TransactionLayer& layer_;
};

class FailoverUser {
 public:
  virtual ~FailoverUser() = default;
  // Before each try, with the request about to be sent (its Via already that of the try) and the
  // flow it goes on: the user may add what depends on the flow (a Contact).
  virtual void on_attempt(const Target& /*target*/, Message& /*request*/, const Flow& /*flow*/) {}
  // A target is given up and the next one will be tried: why (connection refused, "timeout",
  // "503 from ..."). For logs; the last target's outcome comes through the calls below.
  virtual void on_target_failed(const Target& /*target*/, const Error& /*why*/) {}
  // Provisional responses, then the final one, of the try that answered (a 503 only when it
  // came from the last target); for an INVITE also every later 2xx (forks, retransmissions)
  // until its transaction ends.
  virtual void on_response(const Message& response, const Target& target) = 0;
  // The last target never answered (Timer B/F), or a CANCELled INVITE got no final response.
  virtual void on_timeout() = 0;
  virtual void on_transport_error(const Error& why) = 0;  // the last target was unreachable
};

using FailoverId = uint64_t;

class FailoverSender {
 public:
  // `sender` must outlive this; this must outlive the transactions it started (destroy it after
  // the TransactionLayer, or once every transaction has terminated).
  explicit FailoverSender(RequestSender& sender);
  ~FailoverSender();
  FailoverSender(const FailoverSender&) = delete;
  FailoverSender& operator=(const FailoverSender&) = delete;

  // Tries hops.targets in order, opening flows with hops.opener. The request needs a top Via;
  // each try rewrites its transport, sent-by and branch. Fails without targets, opener or Via.
  // The first try starts at once, so `user` may hear of it before this returns; `user` must
  // stay valid until its final outcome, or until cancel().
  Result<FailoverId> send(Message request, NextHops hops, FailoverUser& user);
  // No further callbacks for this request. (It does not CANCEL an INVITE: that is the caller's.)
  void cancel(FailoverId id);

  size_t active() const { return requests_.size(); }
  // Tries whose outcome no longer matters, kept until their transaction terminates.
  size_t lingering() const { return retired_.size(); }

  // INVITE rule (RFC 3263 §4.3 read with RFC 3261 §13): once a target sent a provisional other
  // than 100, or a 2xx, it has the call; later failures are final, never failed over.
  static bool reached(const Message& request, int status) {
    return request.method() == "INVITE" && status > 100 && status < 300;
  }

 private:
  struct Request;
  class Attempt;

  void try_next(FailoverId id);
  void on_flow(FailoverId id, size_t index, Result<Flow> flow);
  void on_attempt_response(Attempt& attempt, const Message& response);
  void on_attempt_failed(Attempt& attempt, std::optional<Error> transport_error);
  void on_attempt_terminated(Attempt& attempt);
  void advance(Request& request, FailoverId id);
  void finish(FailoverId id);
  void retire(std::unique_ptr<Attempt> attempt);

  RequestSender& sender_;
  FailoverId next_id_ = 1;
  std::unordered_map<FailoverId, std::unique_ptr<Request>> requests_;
  std::unordered_map<const Attempt*, std::unique_ptr<Attempt>> retired_;
  // Flows open asynchronously (TCP, TLS); their callbacks check this first.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tandem::sip
