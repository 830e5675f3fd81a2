// Non-INVITE client transaction: RFC 3261 §17.1.2.
#pragma once

#include "sip/transaction_common.hpp"

namespace tandem::sip {

class NonInviteClientTransaction {
 public:
  enum class State { kTrying, kProceeding, kCompleted, kTerminated };

  // Sends the request at once. `user` must outlive the transaction.
  NonInviteClientTransaction(Message request, Reliability reliability, const TimerConfig& timers,
                             ClientTransactionUser& user, TimePoint now);

  void on_response(const Message& response, TimePoint now);
  void on_tick(TimePoint now);
  void on_transport_error();

  State state() const { return state_; }
  const Message& request() const { return request_; }
  std::optional<TimePoint> next_deadline() const { return earliest(e_, f_, k_); }

 private:
  void terminate();

  Message request_;
  Reliability reliability_;
  TimerConfig timers_;
  ClientTransactionUser& user_;
  State state_ = State::kTrying;
  TimerSlot e_, f_, k_;
};

}  // namespace tandem::sip
