#include "sip/non_invite_server_transaction.hpp"

namespace tandem::sip {

NonInviteServerTransaction::NonInviteServerTransaction(Message request, Reliability reliability,
                                                       const TimerConfig& timers,
                                                       ServerTransactionUser& user)
    : request_(std::move(request)), reliability_(reliability), timers_(timers), user_(user) {}

void NonInviteServerTransaction::on_request(const Message&, TimePoint) {
  // §17.2.2: in Trying retransmissions are discarded; later the last response is repeated.
  if ((state_ == State::kProceeding || state_ == State::kCompleted) && last_response_) {
    user_.send(*last_response_);
  }
}

void NonInviteServerTransaction::respond(Message response, TimePoint now) {
  if (state_ != State::kTrying && state_ != State::kProceeding) return;
  const bool final = response.status() >= 200;
  last_response_ = std::move(response);
  user_.send(*last_response_);
  if (!final) {
    state_ = State::kProceeding;
    return;
  }
  state_ = State::kCompleted;
  if (reliability_ == Reliability::kUnreliable) {
    j_.arm(now, 64 * timers_.t1);  // answer retransmitted requests for a while
  } else {
    terminate();
  }
}

void NonInviteServerTransaction::on_tick(TimePoint now) {
  if (state_ == State::kCompleted && j_.due(now)) terminate();
}

void NonInviteServerTransaction::on_transport_error() {
  if (state_ == State::kTerminated) return;
  terminate();
  user_.on_transport_error();
}

void NonInviteServerTransaction::terminate() {
  state_ = State::kTerminated;
  j_.disarm();
}

}  // namespace tandem::sip
