// An INVITE we received outside a dialog (RFC 3261 §13.3): provisional answers that create an
// early session, the 2xx that confirms it (retransmitted by the session until the ACK), failure
// answers, and CANCEL (§9.2: 487 for the INVITE).
#pragma once

#include <string>
#include <string_view>

#include "sip/message.hpp"
#include "sip/user_agent.hpp"

namespace tandem::sip {

class InviteSession;

class IncomingInvite {
 public:
  IncomingInvite(UserAgent& ua, IncomingRequest request);
  ~IncomingInvite();
  IncomingInvite(const IncomingInvite&) = delete;
  IncomingInvite& operator=(const IncomingInvite&) = delete;

  const Message& request() const { return request_.request; }
  const Flow& flow() const { return request_.flow; }
  const std::string& local_tag() const { return tag_; }
  bool finished() const { return finished_; }
  // The session our 101-299 created, while it exists.
  InviteSession* session() const;

  // A response with our To tag, Record-Route copied and Contact added for 101-299, and the body.
  // 101-199 creates the early session, 2xx confirms it (retransmitted until ACK), 300-699 ends
  // it. Returns the session for 101-299, else null. Nothing is sent once finished.
  InviteSession* respond(int status, std::string body = {}, std::string_view content_type = {},
                         std::string_view reason = {});
  // The same for a response the caller built (from make_response(request(), ...)).
  InviteSession* respond(Message response);

  // ---- for the user agent core ----
  // CANCEL matched this INVITE; true when it was still unanswered (487 sent).
  bool on_cancel();
  TransactionId transaction() const { return request_.id; }

 private:
  InviteSession* ensure_session(bool early);

  UserAgent& ua_;
  IncomingRequest request_;
  std::string tag_;
  InviteSession* session_ = nullptr;
  bool finished_ = false;
};

}  // namespace tandem::sip
