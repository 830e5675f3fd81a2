// Non-INVITE server transaction: RFC 3261 §17.2.2.
#pragma once

#include "sip/transaction_common.hpp"

namespace tandem::sip {

class NonInviteServerTransaction {
 public:
  enum class State { kTrying, kProceeding, kCompleted, kTerminated };

  NonInviteServerTransaction(Message request, Reliability reliability, const TimerConfig& timers,
                             ServerTransactionUser& user);

  void on_request(const Message& retransmission, TimePoint now);
  void respond(Message response, TimePoint now);
  void on_tick(TimePoint now);
  void on_transport_error();

  State state() const { return state_; }
  const Message& request() const { return request_; }
  std::optional<TimePoint> next_deadline() const { return j_.deadline(); }

 private:
  void terminate();

  Message request_;
  Reliability reliability_;
  TimerConfig timers_;
  ServerTransactionUser& user_;
  State state_ = State::kTrying;
  std::optional<Message> last_response_;
  TimerSlot j_;
};

}  // namespace tandem::sip
