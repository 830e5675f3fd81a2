#include "sip/uac_invite.hpp"

#include <algorithm>

#include "sip/invite_session.hpp"

namespace tandem::sip {

UacInvite::UacInvite(UserAgent& ua, Message invite, UacInviteListener& listener)
    : ua_(ua),
      listener_(listener),
      request_(std::make_unique<ClientRequest>(
          ua, std::move(invite),
          [this](const Message& response, const Message& request) {
            on_response(response, request);
          },
          true)) {}

UacInvite::~UacInvite() {
  if (linger_ != 0) ua_.cancel_timer(linger_);
}

void UacInvite::set_flow(const Flow& flow) {
  flow_ = flow;
  request_->set_flow(flow);
}

void UacInvite::start() { request_->start(); }

Status UacInvite::cancel() { return request_->cancel(); }

InviteSession* UacInvite::fork(const std::string& remote_tag) const {
  UserAgent::Guard guard(ua_);  // a retired object outlives this call
  auto from = request().from();
  auto call_id = request().call_id();
  if (!from || !call_id) return nullptr;
  return ua_.find_session({std::string(*call_id), std::string(from->tag()), remote_tag});
}

bool UacInvite::matches(const Message& response) const {
  const Message& invite = request();
  auto a = response.call_id();
  auto b = invite.call_id();
  auto from_a = response.from();
  auto from_b = invite.from();
  auto cseq_a = response.cseq();
  auto cseq_b = invite.cseq();
  return a && b && *a == *b && from_a && from_b && from_a->tag() == from_b->tag() && cseq_a &&
         cseq_b && cseq_a->number == cseq_b->number && cseq_a->method == "INVITE";
}

void UacInvite::on_late_2xx(const Message& response) { on_2xx(response, request()); }

// The early or confirmed session of the fork that sent `response`, created when new.
InviteSession* UacInvite::fork_for(const Message& response, const Message& request) {
  auto to = response.to();
  if (!to || to->tag().empty()) return nullptr;
  const std::string tag(to->tag());
  if (InviteSession* existing = fork(tag)) return existing;
  auto dialog = Dialog::as_uac(request, response);
  if (!dialog) return nullptr;
  if (std::find(fork_tags_.begin(), fork_tags_.end(), tag) != fork_tags_.end()) {
    return nullptr;  // that fork's session already ended: no new dialog from a stale message
  }
  fork_tags_.push_back(tag);
  InviteSession& session =
      ua_.add_session(std::make_unique<InviteSession>(ua_, std::move(*dialog)));
  if (flow_) session.set_flow(*flow_);
  return &session;
}

void UacInvite::on_response(const Message& response, const Message& request) {
  const int status = response.status();
  if (status < 200) {
    InviteSession* early = status > 100 ? fork_for(response, request) : nullptr;
    if (early != nullptr && !early->confirmed()) early->dialog().refresh_target(response);
    listener_.on_progress(*this, response, early);
    return;
  }
  if (status < 300) return on_2xx(response, request);
  if (answered_ || failed_) return;
  failed_ = true;
  end_early_forks();
  listener_.on_failed(*this, response);
  ua_.retire(*this);
}

void UacInvite::on_2xx(const Message& response, const Message& request) {
  auto to = response.to();
  if (!to) return;
  const std::string tag(to->tag());
  InviteSession* session = fork_for(response, request);
  if (session == nullptr) return;
  if (!session->confirmed()) {
    if (!session->dialog().confirm_by_response(response)) return;
  }
  session->acknowledge(response);  // the ACK, or the same ACK again for a retransmission
  if (answered_) {
    // §13.2.2.4: another fork answered too; it was ACKed, now it is ended.
    if (tag != answered_tag_ && !session->terminated()) session->bye();
    return;
  }
  answered_ = true;
  answered_tag_ = tag;
  // Other forks may still answer until the transaction would have ended (Timer M, 64*T1).
  linger_ = ua_.after(64 * ua_.config().timers.t1, [this] {
    linger_ = 0;
    end_early_forks();
    ua_.retire(*this);
  });
  listener_.on_answered(*this, *session, response);
}

void UacInvite::end_early_forks() {
  for (const std::string& tag : fork_tags_) {
    InviteSession* session = fork(tag);
    if (session != nullptr && !session->confirmed()) session->end(SessionEnd::kRejected);
  }
}

}  // namespace tandem::sip
