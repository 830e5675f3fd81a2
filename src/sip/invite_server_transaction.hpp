// INVITE server transaction: RFC 3261 §17.2.1 with the RFC 6026 "Accepted" state.
#pragma once

#include "sip/transaction_common.hpp"

namespace tandem::sip {

class InviteServerTransaction {
 public:
  enum class State { kProceeding, kAccepted, kCompleted, kConfirmed, kTerminated };

  // Created for a new INVITE. `user` must outlive the transaction.
  InviteServerTransaction(Message invite, Reliability reliability, const TimerConfig& timers,
                          ServerTransactionUser& user);

  // A retransmitted INVITE, or the ACK for a failure response (both match this transaction).
  void on_request(const Message& request, TimePoint now);
  // The TU's response: provisional, 2xx or failure.
  void respond(Message response, TimePoint now);
  void on_tick(TimePoint now);
  void on_transport_error();

  State state() const { return state_; }
  const Message& request() const { return invite_; }
  std::optional<TimePoint> next_deadline() const { return earliest(g_, h_, i_, l_); }

 private:
  void terminate();

  Message invite_;
  Reliability reliability_;
  TimerConfig timers_;
  ServerTransactionUser& user_;
  State state_ = State::kProceeding;
  std::optional<Message> last_response_;
  TimerSlot g_, h_, i_, l_;
};

}  // namespace tandem::sip
