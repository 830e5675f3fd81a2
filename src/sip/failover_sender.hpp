// RFC 3263 §4.3 failover: sends a request to the first target of a TargetResolver list and, on a
// transport failure, a transaction timeout or a 503 (RFC 3261 §21.5.4), to the next one, each try
// a new client transaction with a fresh branch. The user hears the responses of the try that
// answered, or how the last target failed.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "sip/target_selection.hpp"
#include "sip/transaction_common.hpp"
#include "sip/transaction_layer.hpp"

namespace tandem::sip {

class UdpTransport;
class TcpTransport;
class TlsTransport;

// Opens the flow a target needs: UDP at once; TCP and TLS reuse or open a connection.
class FlowOpener {
 public:
  virtual ~FlowOpener() = default;
  virtual void open(const Target& target, std::function<void(Result<Flow>)> done) = 0;
  // The address requests over `kind` are sent from (the Via sent-by); nullopt without one.
  virtual std::optional<PeerAddress> local_address(TransportKind kind) const = 0;
};

// FlowOpener over our transports (any may be null: that transport is not available).
class TransportFlowOpener final : public FlowOpener {
 public:
  TransportFlowOpener(UdpTransport* udp, TcpTransport* tcp, TlsTransport* tls)
      : udp_(udp), tcp_(tcp), tls_(tls) {}
  void open(const Target& target, std::function<void(Result<Flow>)> done) override;
  std::optional<PeerAddress> local_address(TransportKind kind) const override;

 private:
  UdpTransport* udp_;
  TcpTransport* tcp_;
  TlsTransport* tls_;
};

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
  // Before each try, with the request as sent (its Via rewritten).
  virtual void on_attempt(const Target& /*target*/, const Message& /*request*/) {}
  // A target is given up and the next one will be tried: why (connection refused, "timeout",
  // "503 from ..."). For logs; the last target's outcome comes through the calls below.
  virtual void on_target_failed(const Target& /*target*/, const Error& /*why*/) {}
  // Provisional responses, then the final one, of the try that answered (a 503 only when it
  // came from the last target).
  virtual void on_response(const Message& response, const Target& target) = 0;
  virtual void on_timeout() = 0;                          // the last target never answered
  virtual void on_transport_error(const Error& why) = 0;  // the last target was unreachable
};

using FailoverId = uint64_t;

class FailoverSender {
 public:
  // `io`, `sender` and `opener` must outlive this; this must outlive the transactions it started
  // (destroy it after the TransactionLayer, or once the io_context has stopped).
  FailoverSender(boost::asio::io_context& io, RequestSender& sender, FlowOpener& opener,
                 const TimerConfig& timers = {},
                 std::function<TimePoint()> clock = &SteadyClock::now);
  ~FailoverSender();
  FailoverSender(const FailoverSender&) = delete;
  FailoverSender& operator=(const FailoverSender&) = delete;

  // Starts with targets[0]. The request needs a top Via; each try rewrites its transport,
  // sent-by and branch. Fails at once without targets or Via; otherwise every outcome reaches
  // `user` later, on the io_context (`user` must stay valid until then or until cancel()).
  Result<FailoverId> send(Message request, std::vector<Target> targets, FailoverUser& user);
  // No further callbacks for this request. (It does not CANCEL an INVITE: that is the caller's.)
  void cancel(FailoverId id);

  size_t active() const { return requests_.size(); }
  size_t lingering() const { return retired_.size(); }

 private:
  struct Request;
  class Attempt;

  void try_next(FailoverId id);
  void on_flow(FailoverId id, size_t index, Result<Flow> flow);
  void on_attempt_response(Attempt& attempt, const Message& response);
  void on_attempt_failed(Attempt& attempt, std::optional<Error> transport_error);
  void advance(Request& request, FailoverId id);
  void finish(FailoverId id);
  void retire(std::unique_ptr<Attempt> attempt);
  void sweep();

  boost::asio::io_context& io_;
  RequestSender& sender_;
  FlowOpener& opener_;
  Duration linger_;
  std::function<TimePoint()> clock_;
  FailoverId next_id_ = 1;
  std::unordered_map<FailoverId, std::unique_ptr<Request>> requests_;
  // Tries whose outcome no longer matters but whose transaction may still hold a reference to
  // them (Timers D, K, M); freed once those timers must have ended.
  std::list<std::pair<TimePoint, std::unique_ptr<Attempt>>> retired_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tandem::sip
