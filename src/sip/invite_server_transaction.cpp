#include "sip/invite_server_transaction.hpp"

namespace tandem::sip {

InviteServerTransaction::InviteServerTransaction(Message invite, Reliability reliability,
                                                 const TimerConfig& timers,
                                                 ServerTransactionUser& user)
    : invite_(std::move(invite)), reliability_(reliability), timers_(timers), user_(user) {}

void InviteServerTransaction::on_request(const Message& request, TimePoint now) {
  const bool ack = request.method() == "ACK";
  switch (state_) {
    case State::kProceeding:
      if (!ack && last_response_) user_.send(*last_response_);  // §17.2.1: repeat provisional
      break;
    case State::kAccepted:
      // RFC 6026 §8.7: INVITE retransmissions are absorbed; the 2xx ACK goes to the TU.
      if (ack) user_.on_ack(request);
      break;
    case State::kCompleted:
      if (!ack) {
        user_.send(*last_response_);
      } else {
        state_ = State::kConfirmed;
        g_.disarm();
        h_.disarm();
        if (reliability_ == Reliability::kUnreliable) {
          i_.arm(now, timers_.t4);  // absorb further ACK retransmissions
        } else {
          terminate();
        }
      }
      break;
    case State::kConfirmed:
    case State::kTerminated:
      break;
  }
}

void InviteServerTransaction::respond(Message response, TimePoint now) {
  const int status = response.status();
  if (state_ == State::kAccepted && status >= 200 && status < 300) {
    user_.send(response);  // the TU retransmits its 2xx until the ACK (§13.3.1.4)
    return;
  }
  if (state_ != State::kProceeding) return;
  last_response_ = std::move(response);
  user_.send(*last_response_);
  if (status < 200) return;
  if (status < 300) {
    state_ = State::kAccepted;
    l_.arm(now, 64 * timers_.t1);
    return;
  }
  state_ = State::kCompleted;
  if (reliability_ == Reliability::kUnreliable) g_.arm(now, timers_.t1);
  h_.arm(now, 64 * timers_.t1);
}

void InviteServerTransaction::on_tick(TimePoint now) {
  if (state_ == State::kCompleted && h_.due(now)) {
    terminate();
    user_.on_timeout();  // §17.2.1: no ACK arrived
    return;
  }
  if (state_ == State::kCompleted && g_.due(now)) {
    user_.send(*last_response_);
    g_.arm(now, std::min(2 * g_.interval(), timers_.t2));
  }
  if ((state_ == State::kConfirmed && i_.due(now)) || (state_ == State::kAccepted && l_.due(now))) {
    terminate();
  }
}

void InviteServerTransaction::on_transport_error() {
  if (state_ == State::kTerminated) return;
  terminate();
  user_.on_transport_error();
}

void InviteServerTransaction::terminate() {
  state_ = State::kTerminated;
  g_.disarm();
  h_.disarm();
  i_.disarm();
  l_.disarm();
}

}  // namespace tandem::sip
