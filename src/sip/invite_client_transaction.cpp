#include "sip/invite_client_transaction.hpp"

#include "sip/message_builder.hpp"

namespace tandem::sip {

InviteClientTransaction::InviteClientTransaction(Message invite, Reliability reliability,
                                                 const TimerConfig& timers,
                                                 ClientTransactionUser& user, TimePoint now)
    : invite_(std::move(invite)), reliability_(reliability), timers_(timers), user_(user) {
  user_.send(invite_);
  // §17.1.1.2: Timer A retransmits over unreliable transports; Timer B bounds the wait.
  if (reliability_ == Reliability::kUnreliable) a_.arm(now, timers_.t1);
  b_.arm(now, 64 * timers_.t1);
}

void InviteClientTransaction::on_response(const Message& response, TimePoint now) {
  const int status = response.status();
  switch (state_) {
    case State::kCalling:
    case State::kProceeding:
      a_.disarm();
      if (status < 200) {
        // §17.1.1.2: Timer B only bounds Calling; a ringing phone may take minutes to answer.
        state_ = State::kProceeding;
        b_.disarm();
        user_.on_response(response);
      } else if (status < 300) {
        // RFC 6026 §8.4: stay to absorb 2xx retransmissions, pass each to the TU (Timer M).
        state_ = State::kAccepted;
        b_.disarm();
        m_.arm(now, 64 * timers_.t1);
        user_.on_response(response);
      } else {
        complete(response, now);
      }
      break;
    case State::kAccepted:
      if (status >= 200 && status < 300) user_.on_response(response);
      break;
    case State::kCompleted:
      if (status >= 300 && ack_) user_.send(*ack_);  // §17.1.1.2: re-ACK retransmitted failures
      break;
    case State::kTerminated:
      break;
  }
}

void InviteClientTransaction::complete(const Message& response, TimePoint now) {
  state_ = State::kCompleted;
  b_.disarm();
  ack_ = make_ack_for_failure(invite_, response);
  user_.send(*ack_);
  user_.on_response(response);
  if (reliability_ == Reliability::kUnreliable) {
    d_.arm(now, std::max(timers_.timer_d, 64 * timers_.t1));
  } else {
    terminate();
  }
}

void InviteClientTransaction::on_tick(TimePoint now) {
  if (state_ == State::kCalling && a_.due(now)) {
    user_.send(invite_);
    a_.arm(now, 2 * a_.interval());
  }
  if (state_ == State::kCalling && b_.due(now)) {
    terminate();
    user_.on_timeout();
    return;
  }
  if ((state_ == State::kCompleted && d_.due(now)) || (state_ == State::kAccepted && m_.due(now))) {
    terminate();
  }
}

void InviteClientTransaction::on_transport_error() {
  if (state_ == State::kTerminated) return;
  terminate();
  user_.on_transport_error();
}

void InviteClientTransaction::terminate() {
  state_ = State::kTerminated;
  a_.disarm();
  b_.disarm();
  d_.disarm();
  m_.disarm();
}

}  // namespace tandem::sip
