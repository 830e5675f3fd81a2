// A registration client (RFC 3261 §10.2): REGISTER with Digest (through the user agent core),
// refresh before the granted expiry, 423 Interval Too Brief handled with Min-Expires, retry after
// failures, and un-REGISTER. One Call-ID with increasing CSeq for all of it (§10.2.4).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sip/message.hpp"
#include "sip/timer_queue.hpp"

namespace tandem::sip {

class UserAgent;

struct RegistrationConfig {
  Uri registrar;  // Request-URI, e.g. sip:example.com
  NameAddr aor;   // To and From
  uint32_t expires = 3600;
  Duration retry_after{std::chrono::seconds(60)};  // after a failure
};

enum class RegistrationState : uint8_t {
  kIdle,
  kRegistering,
  kRegistered,
  kFailed,  // final failure or timeout; retried after retry_after (an un-REGISTER is not)
  kUnregistered,
};
std::string_view to_string(RegistrationState state);

class Registration {
 public:
  // Every state change, with the response that caused it.
  using Listener = std::function<void(RegistrationState state, const Message& response)>;

  Registration(UserAgent& ua, RegistrationConfig config, Listener listener);
  ~Registration();
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

  void start();
  // Removes our binding (Expires: 0) and stops refreshing.
  void stop();

  RegistrationState state() const { return state_; }
  uint32_t granted() const { return granted_; }  // seconds, from the last 2xx

 private:
  void send_register(uint32_t expires);
  void on_response(const Message& response, const Message& request, uint32_t asked);
  void schedule(Duration delay);
  void set_state(RegistrationState state, const Message& response);
  uint32_t granted_expiry(const Message& response, const Message& request, uint32_t asked) const;

  UserAgent& ua_;
  RegistrationConfig config_;
  Listener listener_;
  std::string call_id_;
  std::string from_tag_;
  uint32_t cseq_ = 0;
  uint32_t expires_ = 0;  // what we ask for (raised by 423)
  uint32_t granted_ = 0;
  bool active_ = false;
  RegistrationState state_ = RegistrationState::kIdle;
  TimerId timer_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tandem::sip
