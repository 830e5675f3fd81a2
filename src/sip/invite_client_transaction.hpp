// INVITE client transaction: RFC 3261 §17.1.1 with the RFC 6026 "Accepted" state.
#pragma once

#include "sip/transaction_common.hpp"

namespace tandem::sip {

class InviteClientTransaction {
 public:
  enum class State { kCalling, kProceeding, kAccepted, kCompleted, kTerminated };

  // Sends the INVITE at once. `user` must outlive the transaction.
  InviteClientTransaction(Message invite, Reliability reliability, const TimerConfig& timers,
                          ClientTransactionUser& user, TimePoint now);

  void on_response(const Message& response, TimePoint now);
  void on_tick(TimePoint now);  // fires every timer that is due
  void on_transport_error();

  State state() const { return state_; }
  const Message& request() const { return invite_; }
  std::optional<TimePoint> next_deadline() const { return earliest(a_, b_, d_, m_); }

 private:
  void complete(const Message& response, TimePoint now);
  void terminate();

  Message invite_;
  Reliability reliability_;
  TimerConfig timers_;
  ClientTransactionUser& user_;
  State state_ = State::kCalling;
  std::optional<Message> ack_;  // sent again for each retransmitted failure response
  TimerSlot a_, b_, d_, m_;
};

}  // namespace tandem::sip
