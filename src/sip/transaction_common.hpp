// Pieces shared by the four RFC 3261 §17 transaction state machines (with RFC 6026 corrections):
// timer settings, the events they report upward, and a timer slot driven by an injected `now`.
#pragma once

#include <algorithm>
#include <optional>

#include "common/clock.hpp"
#include "sip/message.hpp"

namespace tandem::sip {

// RFC 3261 §17.1.1.1 and Table 4. Configurable because some networks need longer T1.
struct TimerConfig {
  Duration t1{500};   // RTT estimate
  Duration t2{4000};  // maximum retransmit interval for non-INVITE requests and INVITE responses
  Duration t4{5000};  // maximum time a message stays in the network
  Duration timer_d{32000};  // wait for response retransmissions after an INVITE failure (UDP)
};

enum class Reliability { kUnreliable, kReliable };

// What a client transaction tells its user (the dialog layer or an application).
class ClientTransactionUser {
 public:
  virtual ~ClientTransactionUser() = default;
  virtual void send(const Message& message) = 0;  // to the transport, retransmissions included
  virtual void on_response(const Message& response) = 0;
  virtual void on_timeout() = 0;          // Timer B or F: no final response
  virtual void on_transport_error() = 0;  // the transport could not send
  // The transaction is gone (TransactionLayer): nothing refers to this user any more, so state
  // kept for it can be freed. Also after a CANCELled INVITE that got no final response within
  // 64*T1 (§9.1), without any other event. Not called when the layer itself is destroyed.
  virtual void on_terminated() {}
};

// What a server transaction tells its user.
class ServerTransactionUser {
 public:
  virtual ~ServerTransactionUser() = default;
  virtual void send(const Message& message) = 0;
  virtual void on_ack(const Message& ack) = 0;  // ACK for a 2xx (RFC 6026), to the dialog
  virtual void on_timeout() = 0;                // Timer H: no ACK for a failure response
  virtual void on_transport_error() = 0;
};

// One timer of a transaction: armed with a deadline, fired by on_tick(now) when due.
class TimerSlot {
 public:
  void arm(TimePoint now, Duration d) {
    deadline_ = now + d;
    interval_ = d;
  }
  void disarm() { deadline_.reset(); }
  bool armed() const { return deadline_.has_value(); }
  bool due(TimePoint now) const { return deadline_ && *deadline_ <= now; }
  std::optional<TimePoint> deadline() const { return deadline_; }
  Duration interval() const { return interval_; }

 private:
  std::optional<TimePoint> deadline_;
  Duration interval_{0};
};

// The earliest armed deadline among `slots`, if any.
template <typename... Slots>
std::optional<TimePoint> earliest(const Slots&... slots) {
  std::optional<TimePoint> out;
  for (const TimerSlot* s : {&slots...}) {
    if (s->deadline() && (!out || *s->deadline() < *out)) out = s->deadline();
  }
  return out;
}

}  // namespace tandem::sip
