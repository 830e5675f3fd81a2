#include "sip/uas_invite.hpp"

#include "sip/invite_session.hpp"
#include "sip/message_builder.hpp"

namespace tandem::sip {

IncomingInvite::IncomingInvite(UserAgent& ua, IncomingRequest request)
    : ua_(ua), request_(std::move(request)), tag_(random_token(10)) {}

IncomingInvite::~IncomingInvite() = default;

InviteSession* IncomingInvite::respond(int status, std::string body, std::string_view content_type,
                                       std::string_view reason) {
  Message response = make_response(request_.request, status, reason, tag_);
  if (status > 100 && status < 300) {
    // §12.1.1: Record-Route copied into dialog-creating responses, and our Contact.
    for (std::string_view rr : request_.request.values(HeaderId::kRecordRoute)) {
      response.add(HeaderId::kRecordRoute, rr);
    }
    response.add(HeaderId::kContact, "<" + ua_.contact_for(request_.flow).to_string() + ">");
  }
  if (!body.empty()) {
    response.add(HeaderId::kContentType, content_type.empty() ? "application/sdp" : content_type);
    response.set_body(std::move(body));
  }
  return respond(std::move(response));
}

InviteSession* IncomingInvite::respond(Message response) {
  UserAgent::Guard guard(ua_);  // a retired object outlives this call
  if (finished_) return nullptr;
  const int status = response.status();
  if (status <= 100) {
    ua_.layer().respond(request_.id, std::move(response));
    return nullptr;
  }
  if (status < 200) {
    InviteSession* session = ensure_session(true);
    ua_.layer().respond(request_.id, std::move(response));
    return session;
  }
  finished_ = true;
  if (status < 300) {
    InviteSession* session = ensure_session(false);
    if (session != nullptr) {
      session->dialog().confirm();
      session->start_answer(response, request_.id, request_.flow);
    } else {
      ua_.layer().respond(request_.id, std::move(response));
    }
    ua_.retire(*this);
    return session;
  }
  ua_.layer().respond(request_.id, std::move(response));
  if (InviteSession* early = session()) early->end(SessionEnd::kRejected);
  ua_.retire(*this);
  return nullptr;
}

InviteSession* IncomingInvite::session() const {
  if (session_ == nullptr) return nullptr;
  const auto id = dialog_id_of_received_request(request_.request);
  return id ? ua_.find_session({id->call_id, tag_, id->remote_tag}) : nullptr;
}

// The session for our tag: found again by id (it may have ended), else created.
InviteSession* IncomingInvite::ensure_session(bool early) {
  const auto id = dialog_id_of_received_request(request_.request);
  if (!id) return nullptr;
  if (InviteSession* existing = ua_.find_session({id->call_id, tag_, id->remote_tag})) {
    return existing;
  }
  if (session_ != nullptr) return nullptr;  // it existed and ended
  auto dialog = Dialog::as_uas(request_.request, tag_, ua_.contact_for(request_.flow), early);
  if (!dialog) return nullptr;
  session_ = &ua_.add_session(std::make_unique<InviteSession>(ua_, std::move(*dialog)));
  return session_;
}

bool IncomingInvite::on_cancel() {
  if (finished_) return false;
  finished_ = true;
  ua_.layer().respond(request_.id, make_response(request_.request, 487, {}, tag_));
  if (InviteSession* early = session()) early->end(SessionEnd::kCancelled);
  ua_.retire(*this);
  return true;
}

}  // namespace tandem::sip
