// What tandem-ua does, in order: register (with Digest), place one call, hang up after a delay
// or wait for the far end's BYE, optionally re-INVITE mid-call, un-register, and exit with the
// outcome. Every step prints one line, so scripts and tests can follow it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "sip/invite_session.hpp"
#include "sip/registration.hpp"
#include "sip/uac_invite.hpp"
#include "sip/uas_invite.hpp"
#include "sip/user_agent.hpp"

namespace tandem::ua {

struct ScriptSettings {
  std::optional<sip::Uri> registrar;  // REGISTER here when set
  sip::NameAddr aor;                  // From/To of REGISTER, From of the call
  uint32_t expires = 3600;
  std::optional<sip::Uri> call;  // INVITE this when set
  Duration hangup_after{2000};   // BYE this long after the answer
  bool expect_bye = false;       // wait for the callee's BYE instead of sending one
  std::optional<Duration> reinvite_after;
  // Answer one incoming INVITE (180, then 200 with SDP) and wait for the caller's BYE (or CANCEL).
  bool answer = false;
};

class Script final : public sip::UserAgent::Listener,
                     public sip::InviteSession::Listener,
                     public sip::UacInviteListener {
 public:
  // `done(exit_code)` is called once everything is over.
  Script(ScriptSettings settings, std::function<void(int)> done)
      : settings_(std::move(settings)), done_(std::move(done)) {}
  ~Script() override;

  void start(sip::UserAgent& ua);
  // Drops everything that refers to the user agent; call before the user agent goes away.
  void release();

  // UserAgent::Listener: one incoming call is answered with --answer, others get 486.
  void on_invite(sip::IncomingInvite& invite) override;
  void on_cancelled(sip::IncomingInvite& invite) override;
  // InviteSession::Listener
  void on_request(sip::InviteSession& session, const sip::IncomingRequest& request) override;
  void on_terminated(sip::InviteSession& session, sip::SessionEnd end) override;
  // UacInviteListener
  void on_progress(sip::UacInvite& invite, const sip::Message& response,
                   sip::InviteSession* early) override;
  void on_answered(sip::UacInvite& invite, sip::InviteSession& session,
                   const sip::Message& response) override;
  void on_failed(sip::UacInvite& invite, const sip::Message& response) override;

 private:
  void on_registration(sip::RegistrationState state, const sip::Message& response);
  void place_call();
  void after_call();
  void finish(int code);
  std::string offer() const;

  ScriptSettings settings_;
  std::function<void(int)> done_;
  sip::UserAgent* ua_ = nullptr;
  std::unique_ptr<sip::Registration> registration_;
  sip::InviteSession* session_ = nullptr;
  bool registered_once_ = false;
  bool call_placed_ = false;
  bool answered_incoming_ = false;
  bool finished_ = false;
  int call_result_ = 0;
  sip::TimerId timer_ = 0;
  sip::TimerId reinvite_timer_ = 0;
};

}  // namespace tandem::ua
