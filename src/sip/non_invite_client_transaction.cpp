#include "sip/non_invite_client_transaction.hpp"

namespace tandem::sip {

NonInviteClientTransaction::NonInviteClientTransaction(Message request, Reliability reliability,
                                                       const TimerConfig& timers,
                                                       ClientTransactionUser& user, TimePoint now)
    : request_(std::move(request)), reliability_(reliability), timers_(timers), user_(user) {
  user_.send(request_);
  // §17.1.2.2: Timer E retransmits (unreliable only), Timer F bounds the transaction.
  if (reliability_ == Reliability::kUnreliable) e_.arm(now, timers_.t1);
  f_.arm(now, 64 * timers_.t1);
}

void NonInviteClientTransaction::on_response(const Message& response, TimePoint now) {
  if (state_ != State::kTrying && state_ != State::kProceeding) return;  // absorb retransmissions
  if (response.status() < 200) {
    state_ = State::kProceeding;
    user_.on_response(response);
    return;
  }
  state_ = State::kCompleted;
  e_.disarm();
  f_.disarm();
  user_.on_response(response);
  // Timer K absorbs retransmitted finals over UDP; over reliable transports it is zero.
  if (reliability_ == Reliability::kUnreliable) {
    k_.arm(now, timers_.t4);
  } else {
    terminate();
  }
}

void NonInviteClientTransaction::on_tick(TimePoint now) {
  if ((state_ == State::kTrying || state_ == State::kProceeding) && f_.due(now)) {
    terminate();
    user_.on_timeout();
    return;
  }
  if (state_ == State::kTrying && e_.due(now)) {
    user_.send(request_);
    e_.arm(now, std::min(2 * e_.interval(), timers_.t2));
  } else if (state_ == State::kProceeding && e_.due(now)) {
    user_.send(request_);
    e_.arm(now, timers_.t2);  // §17.1.2.2: in Proceeding, retransmit every T2
  }
  if (state_ == State::kCompleted && k_.due(now)) terminate();
}

void NonInviteClientTransaction::on_transport_error() {
  if (state_ == State::kTerminated) return;
  terminate();
  user_.on_transport_error();
}

void NonInviteClientTransaction::terminate() {
  state_ = State::kTerminated;
  e_.disarm();
  f_.disarm();
  k_.disarm();
}

}  // namespace tandem::sip
