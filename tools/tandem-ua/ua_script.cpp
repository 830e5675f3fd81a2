#include "ua_script.hpp"

#include <cstdio>

namespace tandem::ua {

namespace {
void say(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}
}  // namespace

Script::~Script() { release(); }

void Script::release() {
  if (ua_ != nullptr && timer_ != 0) ua_->cancel_timer(timer_);
  if (ua_ != nullptr && reinvite_timer_ != 0) ua_->cancel_timer(reinvite_timer_);
  timer_ = reinvite_timer_ = 0;
  registration_.reset();
  session_ = nullptr;
  ua_ = nullptr;
}

void Script::start(sip::UserAgent& ua) {
  ua_ = &ua;
  if (settings_.registrar) {
    sip::RegistrationConfig config;
    config.registrar = *settings_.registrar;
    config.aor = settings_.aor;
    config.expires = settings_.expires;
    registration_ = std::make_unique<sip::Registration>(
        ua, config,
        [this](sip::RegistrationState s, const sip::Message& m) { on_registration(s, m); });
    registration_->start();
    return;
  }
  place_call();
}

void Script::on_registration(sip::RegistrationState state, const sip::Message& response) {
  switch (state) {
    case sip::RegistrationState::kRegistered:
      say("registered expires=" + std::to_string(registration_->granted()));
      if (!registered_once_) {
        registered_once_ = true;
        place_call();
      }
      break;
    case sip::RegistrationState::kFailed:
      say("registration failed " + std::to_string(response.status()) + " " + response.reason());
      finish(1);
      break;
    case sip::RegistrationState::kUnregistered:
      say("unregistered");
      finish(call_result_);
      break;
    default:
      break;
  }
}

std::string Script::offer() const {
  return "v=0\r\no=tandem-ua 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
         "m=audio 40000 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n";
}

void Script::place_call() {
  if (settings_.answer) return say("waiting for a call");
  if (!settings_.call) return after_call();
  call_placed_ = true;
  sip::Message invite = ua_->make_request("INVITE", *settings_.call, settings_.aor,
                                          sip::NameAddr{{}, *settings_.call, {}});
  invite.add(sip::HeaderId::kContentType, "application/sdp");
  invite.set_body(offer());
  say("calling " + settings_.call->to_string());
  ua_->invite(std::move(invite), *this);
}

void Script::on_invite(sip::IncomingInvite& invite) {
  if (!settings_.answer || answered_incoming_ || session_ != nullptr) {
    invite.respond(486);
    return;
  }
  answered_incoming_ = true;
  say("incoming call from " + std::string(invite.request().from()->uri.to_string()));
  invite.respond(180);
  sip::InviteSession* session = invite.respond(200, offer(), "application/sdp");
  if (session == nullptr) return finish(1);
  say("answered incoming call");
  session_ = session;
  session->set_listener(this);
}

void Script::on_cancelled(sip::IncomingInvite&) {
  say("incoming call cancelled");
  call_result_ = 0;
  after_call();
}

void Script::on_progress(sip::UacInvite&, const sip::Message& response, sip::InviteSession*) {
  say("progress " + std::to_string(response.status()) + " " + response.reason());
}

void Script::on_answered(sip::UacInvite&, sip::InviteSession& session,
                         const sip::Message& response) {
  say("answered " + std::to_string(response.status()) +
      " to-tag=" + std::string(response.to()->tag()));
  session_ = &session;
  session.set_listener(this);
  if (settings_.reinvite_after) {
    reinvite_timer_ = ua_->after(*settings_.reinvite_after, [this] {
      reinvite_timer_ = 0;
      if (session_ == nullptr) return;
      say("re-INVITE");
      (void)session_->reinvite(offer(), "application/sdp",
                               [](const sip::Message& r, const sip::Message&) {
                                 say("re-INVITE answered " + std::to_string(r.status()));
                               });
    });
  }
  if (settings_.expect_bye) return;
  timer_ = ua_->after(settings_.hangup_after, [this] {
    timer_ = 0;
    if (session_ == nullptr) return;
    say("hanging up");
    session_->bye();
  });
}

void Script::on_failed(sip::UacInvite&, const sip::Message& response) {
  say("call failed " + std::to_string(response.status()) + " " + response.reason());
  call_result_ = 1;
  after_call();
}

void Script::on_request(sip::InviteSession& session, const sip::IncomingRequest& request) {
  say("in-dialog " + request.request.method());
  session.respond(request, 200, request.request.method() == "INVITE" ? offer() : std::string(),
                  "application/sdp");
}

void Script::on_terminated(sip::InviteSession& session, sip::SessionEnd end) {
  if (&session != session_) return;
  session_ = nullptr;
  say("call ended: " + std::string(sip::to_string(end)));
  const bool expected = settings_.expect_bye || settings_.answer
                            ? end == sip::SessionEnd::kRemoteBye
                            : end == sip::SessionEnd::kLocalBye;
  if (!expected) call_result_ = 1;
  after_call();
}

void Script::after_call() {
  if (registration_ && registration_->state() == sip::RegistrationState::kRegistered) {
    say("unregistering");
    registration_->stop();
    return;
  }
  finish(call_result_);
}

void Script::finish(int code) {
  if (finished_) return;
  finished_ = true;
  say(code == 0 ? "done" : "done with errors");
  done_(code);
}

}  // namespace tandem::ua
