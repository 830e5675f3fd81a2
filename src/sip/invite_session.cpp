#include "sip/invite_session.hpp"

#include <openssl/rand.h>

#include <algorithm>

#include "sip/message_builder.hpp"

namespace tandem::sip {
namespace {

// §14.1 glare back-off: 2.1-4 s for the dialog's Call-ID owner (the UAC), 0-2 s otherwise.
Duration glare_delay(bool owner) {
  uint16_t r = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof(r)) != 1) r = 1000;
  const int step = r % 200;  // 10 ms steps
  return Duration(owner ? 2100 + step * 10 * 19 / 20 : step * 10);
}

void add_body(Message& m, std::string body, std::string_view content_type) {
  if (body.empty()) return;
  m.set(HeaderId::kContentType, content_type.empty() ? "application/sdp" : content_type);
  m.set_body(std::move(body));
}

}  // namespace

std::string_view to_string(SessionEnd end) {
  switch (end) {
    case SessionEnd::kLocalBye:
      return "local BYE";
    case SessionEnd::kRemoteBye:
      return "remote BYE";
    case SessionEnd::kNoAck:
      return "no ACK";
    case SessionEnd::kRejected:
      return "rejected";
    case SessionEnd::kCancelled:
      return "cancelled";
    case SessionEnd::kFailed:
      return "failed";
  }
  return "?";
}

InviteSession::InviteSession(UserAgent& ua, Dialog dialog) : ua_(ua), dialog_(std::move(dialog)) {}

InviteSession::~InviteSession() {
  *alive_ = false;
  stop_answer();
  if (glare_timer_ != 0) ua_.cancel_timer(glare_timer_);
}

void InviteSession::end(SessionEnd reason) {
  if (ended_) return;
  ended_ = true;
  stop_answer();
  dialog_.terminate();
  if (listener_ != nullptr) listener_->on_terminated(*this, reason);
  ua_.retire(*this);
}

void InviteSession::bye(std::string_view reason) {
  UserAgent::Guard guard(ua_);  // a retired object outlives this call
  if (ended_) return;
  Message bye = dialog_.make_request("BYE");
  if (!reason.empty()) bye.add(HeaderId::kReason, reason);
  ua_.send(std::move(bye), {}, send_options());
  end(SessionEnd::kLocalBye);
}

Status InviteSession::request(std::string_view method, std::string body,
                              std::string_view content_type, ClientRequest::Handler on_response) {
  if (ended_) return Error{"the session has ended"};
  Message m = dialog_.make_request(method);
  add_body(m, std::move(body), content_type);
  return send(std::move(m), std::move(on_response));
}

Status InviteSession::send(Message m, ClientRequest::Handler on_response) {
  UserAgent::Guard guard(ua_);  // a retired object outlives this call
  if (ended_) return Error{"the session has ended"};
  const std::string method = m.method();
  if (method == "INVITE" || method == "ACK" || method == "CANCEL") {
    return Error{method + " is not sent with request()"};
  }
  auto alive = std::weak_ptr<bool>(alive_);
  ua_.send(
      std::move(m),
      [this, alive, method, on_response = std::move(on_response)](const Message& response,
                                                                  const Message& request) {
        if (on_response) on_response(response, request);
        if (alive.expired() || response.status() < 200) return;
        // §12.2.1.2: 481 and 408 end the dialog.
        if ((response.status() == 481 || response.status() == 408) && method != "BYE") {
          end(SessionEnd::kFailed);
        } else if (response.status() < 300 && is_target_refresh(method)) {
          dialog_.refresh_target(response);
        }
      },
      send_options());
  return Ok{};
}

Status InviteSession::reinvite(std::string body, std::string_view content_type,
                               ClientRequest::Handler on_response) {
  UserAgent::Guard guard(ua_);  // a retired object outlives this call
  if (ended_ || !confirmed()) return Error{"re-INVITE needs a confirmed session"};
  if (reinvite_pending_ || glare_timer_ != 0 || incoming_invite_) {
    return Error{"another INVITE is in progress in this dialog"};
  }
  reinvite_body_ = std::move(body);
  reinvite_type_ = std::string(content_type);
  reinvite_handler_ = std::move(on_response);
  glare_retried_ = false;
  start_reinvite();
  return Ok{};
}

void InviteSession::start_reinvite() {
  reinvite_pending_ = true;
  Message m = dialog_.make_request("INVITE");
  add_body(m, reinvite_body_, reinvite_type_);
  auto alive = std::weak_ptr<bool>(alive_);
  reinvite_ = std::make_unique<ClientRequest>(
      ua_, std::move(m), [this, alive](const Message& response, const Message& request) {
        if (!alive.expired()) on_reinvite_response(response, request);
      });
  reinvite_->set_cseq_source([this] { return dialog_.next_cseq(); });
  reinvite_->set_next_hop(dialog_.next_hop_uri());
  if (flow_) reinvite_->set_flow(*flow_);
  reinvite_->start();
}

void InviteSession::on_reinvite_response(const Message& response, const Message& request) {
  const int status = response.status();
  if (status < 200) return;
  reinvite_pending_ = false;
  if (status < 300) {
    if (last_ack_ && last_ack_->cseq == request.cseq()->number) return acknowledge(response);
    dialog_.refresh_target(response);
    send_ack(request.cseq()->number);
  }
  auto handler = reinvite_handler_;
  // Keep the request object until its transaction ends; a new re-INVITE replaces it.
  if (status == 491 && !glare_retried_) {
    glare_retried_ = true;
    glare_timer_ = ua_.after(glare_delay(dialog_.is_uac()), [this] {
      glare_timer_ = 0;
      if (!ended_) start_reinvite();
    });
    return;
  }
  if (handler) handler(response, request);
  if (status == 481 || status == 408) end(SessionEnd::kFailed);
}

bool InviteSession::respond(const IncomingRequest& request, int status, std::string body,
                            std::string_view content_type, std::string_view reason) {
  UserAgent::Guard guard(ua_);  // a retired object outlives this call
  Message response = make_response(request.request, status, reason, dialog_.id().local_tag);
  const std::string& method = request.request.method();
  if (status >= 200 && status < 300 && is_target_refresh(method)) {
    response.add(HeaderId::kContact, "<" + dialog_.local_contact().to_string() + ">");
  }
  add_body(response, std::move(body), content_type);
  if (method == "INVITE" && status >= 200) incoming_invite_.reset();
  if (method == "INVITE" && status >= 200 && status < 300) {
    start_answer(response, request.id, request.flow);
    return true;
  }
  return ua_.layer().respond(request.id, std::move(response));
}

void InviteSession::on_request(const IncomingRequest& incoming) {
  const Message& request = incoming.request;
  const std::string& method = request.method();
  if (method == "CANCEL") {  // a CANCEL inside a dialog: nothing of ours is cancellable
    ua_.layer().respond(incoming.id, make_response(request, 481, {}, dialog_.id().local_tag));
    return;
  }
  if (!dialog_.accept_remote_cseq(request)) {
    ua_.layer().respond(incoming.id,
                        make_response(request, 500, "CSeq Out of Order", dialog_.id().local_tag));
    return;
  }
  if (method == "BYE") {
    ua_.layer().respond(incoming.id, make_response(request, 200, {}, dialog_.id().local_tag));
    end(SessionEnd::kRemoteBye);
    return;
  }
  if (method == "INVITE") {
    // §14.2: glare with our own pending re-INVITE gets 491; a second one while we still owe an
    // answer gets 500 with Retry-After.
    if (reinvite_pending_) {  // not while we back off: the peer goes first
      ua_.layer().respond(incoming.id, make_response(request, 491, {}, dialog_.id().local_tag));
      return;
    }
    if (incoming_invite_ || answer_) {
      Message busy = make_response(request, 500, {}, dialog_.id().local_tag);
      busy.add(HeaderId::kRetryAfter, "1");
      ua_.layer().respond(incoming.id, std::move(busy));
      return;
    }
    incoming_invite_ = incoming.id;
  }
  if (is_target_refresh(method)) dialog_.refresh_target(request);
  if (listener_ != nullptr) return listener_->on_request(*this, incoming);
  default_answer(incoming);
}

void InviteSession::default_answer(const IncomingRequest& request) {
  const std::string& m = request.request.method();
  if (m == "INFO" || m == "MESSAGE" || m == "NOTIFY" || m == "OPTIONS") {
    respond(request, 200);
  } else if (m == "INVITE" || m == "UPDATE") {
    respond(request, 488);
  } else {
    respond(request, 501);
  }
}

// ---- the 2xx we retransmit until the ACK (§13.3.1.4) ----

void InviteSession::start_answer(const Message& ok, TransactionId transaction, const Flow& flow) {
  stop_answer();
  PendingAnswer a{
      ok, transaction, flow, ok.cseq() ? ok.cseq()->number : 0, ua_.config().timers.t1, 0, 0};
  answer_ = std::move(a);
  ua_.layer().respond(transaction, ok);
  answer_->retransmit = ua_.after(answer_->interval, [this] { retransmit_answer(); });
  answer_->give_up = ua_.after(64 * ua_.config().timers.t1, [this] {
    answer_->give_up = 0;
    stop_answer();
    // §13.3.1.4: no ACK; the session is confirmed but must end with BYE.
    if (ended_) return;
    ua_.send(dialog_.make_request("BYE"), {}, send_options());
    end(SessionEnd::kNoAck);
  });
}

void InviteSession::retransmit_answer() {
  if (!answer_) return;
  // Through the transaction while it is Accepted; directly once it is gone.
  if (!ua_.layer().respond(answer_->transaction, answer_->ok)) {
    ua_.send_stateless(answer_->ok, answer_->flow);
  }
  answer_->interval = std::min(2 * answer_->interval, ua_.config().timers.t2);
  answer_->retransmit = ua_.after(answer_->interval, [this] { retransmit_answer(); });
}

void InviteSession::stop_answer() {
  if (!answer_) return;
  if (answer_->retransmit != 0) ua_.cancel_timer(answer_->retransmit);
  if (answer_->give_up != 0) ua_.cancel_timer(answer_->give_up);
  answer_.reset();
}

void InviteSession::on_ack(const Message& ack) {
  auto cseq = ack.cseq();
  if (!cseq || !answer_ || cseq->number != answer_->cseq) return;  // late or stray ACK
  stop_answer();
  dialog_.accept_remote_cseq(ack);
  if (listener_ != nullptr) listener_->on_ack(*this, ack);
}

// ---- the ACK we send for a 2xx (§13.2.2.4) ----

void InviteSession::acknowledge(const Message& response) {
  auto cseq = response.cseq();
  if (!cseq) return;
  if (last_ack_ && last_ack_->cseq == cseq->number) {
    if (last_ack_->flow) ua_.send_stateless(last_ack_->ack, *last_ack_->flow);
    return;
  }
  send_ack(cseq->number);
}

void InviteSession::send_ack(uint32_t cseq) {
  last_ack_ = SentAck{cseq, dialog_.id().remote_tag, dialog_.make_ack(cseq), std::nullopt};
  if (flow_) {
    ua_.stamp(last_ack_->ack, *flow_);
    last_ack_->flow = *flow_;
    ua_.send_stateless(last_ack_->ack, *flow_);
    return;
  }
  auto alive = std::weak_ptr<bool>(alive_);
  open_first(ua_.config().next_hop, dialog_.next_hop_uri(), [this, alive, cseq](Result<Flow> flow) {
    if (alive.expired() || !flow || !last_ack_ || last_ack_->cseq != cseq) return;
    ua_.stamp(last_ack_->ack, *flow);
    last_ack_->flow = *flow;
    ua_.send_stateless(last_ack_->ack, *flow);
  });
}

}  // namespace tandem::sip
