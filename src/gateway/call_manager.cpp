#include "gateway/call_manager.hpp"

#include <spdlog/spdlog.h>

#include <utility>

#include "gateway/call.hpp"
#include "gateway/call_failure.hpp"

namespace tandem::gateway {

CallManager::CallManager(sip::UserAgent& ua, MediaPlane& media, CallSettings settings)
    : ua_(ua), media_(media), settings_(std::move(settings)) {
  media_.set_ended_handler([this, alive = std::weak_ptr<bool>(alive_)](const MediaEnded& ended) {
    if (!alive.expired()) on_media_ended(ended);
  });
}

CallManager::~CallManager() {
  *alive_ = false;
  alive_.reset();
  media_.set_ended_handler({});
  // Sessions must not report to a manager that is gone.
  for (auto& [session, call] : by_session_) session->set_listener(nullptr);
}

// NOLINTNEXTLINE(bugprone-exception-escape): deleting Calls frees memory only
CallManager::Entry::~Entry() {
  if (--m_.depth_ == 0) m_.graveyard_.clear();
}

void CallManager::log(CallLogLevel level, std::string_view line) const {
  if (settings_.logger) return settings_.logger(level, line);
  switch (level) {
    case CallLogLevel::kDebug:
      return spdlog::debug("{}", line);
    case CallLogLevel::kInfo:
      return spdlog::info("{}", line);
    case CallLogLevel::kWarn:
      return spdlog::warn("{}", line);
  }
}

Call& CallManager::add_call(bool from_browser) {
  const uint64_t number = next_number_++;
  auto call = std::make_unique<Call>(*this, number, from_browser);
  Call& ref = *call;
  calls_.emplace(number, std::move(call));
  return ref;
}

Call* CallManager::find(uint64_t number) {
  auto it = calls_.find(number);
  return it == calls_.end() || it->second->ended() ? nullptr : it->second.get();
}

void CallManager::retire(Call& call) {
  auto it = calls_.find(call.number());
  if (it == calls_.end()) return;
  graveyard_.push_back(std::move(it->second));
  calls_.erase(it);
}

void CallManager::bind(sip::InviteSession& session, Call& call) {
  by_session_[&session] = &call;
  session.set_listener(this);
}

Call* CallManager::call_of(sip::UacInvite& invite) {
  if (auto it = by_uac_.find(&invite); it != by_uac_.end()) return it->second;
  if (starting_ != nullptr) {
    Call* call = starting_;
    call->on_callee_started(invite);
    return call;
  }
  return nullptr;
}

Call* CallManager::call_of(sip::InviteSession& session) {
  auto it = by_session_.find(&session);
  return it == by_session_.end() ? nullptr : it->second;
}

// ---- CallHandler ----

void CallManager::on_browser_invite(sip::IncomingInvite& invite, const BrowserFlow& browser) {
  Entry entry(*this);
  add_call(true).start_from_browser(invite, browser);
}

void CallManager::on_pbx_invite(sip::IncomingInvite& invite, const BrowserBinding& callee) {
  Entry entry(*this);
  add_call(false).start_from_pbx(invite, callee);
}

void CallManager::on_cancelled(sip::IncomingInvite& invite) {
  Entry entry(*this);
  auto it = by_incoming_.find(&invite);
  if (it != by_incoming_.end()) it->second->on_caller_cancelled();
}

void CallManager::on_browser_gone(uint64_t connection_id) {
  Entry entry(*this);
  std::vector<Call*> gone;
  for (auto& [number, call] : calls_) {
    if (call->browser_connection() == connection_id) gone.push_back(call.get());
  }
  for (Call* call : gone) call->on_browser_gone();
}

void CallManager::end_all_calls(std::function<void()> done) {
  {
    Entry entry(*this);
    std::vector<Call*> all;
    for (auto& [number, call] : calls_) all.push_back(call.get());
    for (Call* call : all) call->hang_up(503, sip_reason(503, "gateway shutting down"));
  }
  // Every leg got its BYE, CANCEL or final answer; the user agent finishes those transactions.
  if (done) done();
}

// ---- the user agent's events ----

void CallManager::on_progress(sip::UacInvite& invite, const sip::Message& response,
                              sip::InviteSession* early) {
  Entry entry(*this);
  if (Call* call = call_of(invite)) call->on_callee_progress(response, early);
}

void CallManager::on_answered(sip::UacInvite& invite, sip::InviteSession& session,
                              const sip::Message& response) {
  Entry entry(*this);
  if (Call* call = call_of(invite)) return call->on_callee_answered(session, response);
  // The call ended while this INVITE was pending (our CANCEL crossed the 2xx): end the leg.
  session.bye(sip_reason(487, "call ended before the answer"));
}

void CallManager::on_failed(sip::UacInvite& invite, const sip::Message& response) {
  Entry entry(*this);
  Call* call = call_of(invite);
  by_uac_.erase(&invite);
  if (call != nullptr) call->on_callee_failed(response);
}

void CallManager::on_request(sip::InviteSession& session, const sip::IncomingRequest& request) {
  Entry entry(*this);
  if (Call* call = call_of(session)) return call->on_request(session, request);
  session.respond(request, 481);
}

void CallManager::on_ack(sip::InviteSession& /*session*/, const sip::Message& /*ack*/) {}

void CallManager::on_terminated(sip::InviteSession& session, sip::SessionEnd end) {
  Entry entry(*this);
  Call* call = call_of(session);
  by_session_.erase(&session);
  if (call != nullptr) call->on_terminated(session, end);
}

void CallManager::on_media_ended(const MediaEnded& ended) {
  Entry entry(*this);
  auto it = by_media_.find(ended.id);
  if (it != by_media_.end()) it->second->on_media_ended(ended.reason);
}

}  // namespace tandem::gateway
