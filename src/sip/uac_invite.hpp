// An INVITE we send (RFC 3261 §13.2): Digest retry, CANCEL, and forking (§13.2.2): every
// provisional with a new To tag makes an early session; the first 2xx confirms its session and is
// ACKed; a 2xx from another fork is ACKed and then BYE'd (§13.2.2.4); retransmitted 2xx are
// re-ACKed. Early sessions that never answer end with the INVITE.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sip/client_request.hpp"
#include "sip/user_agent.hpp"

namespace tandem::sip {

class InviteSession;

class UacInviteListener {
 public:
  virtual ~UacInviteListener() = default;
  // A provisional response; `early` is the fork's early session when the response carries a To
  // tag and a Contact, else null.
  virtual void on_progress(UacInvite& /*invite*/, const Message& /*response*/,
                           InviteSession* /*early*/) {}
  // The first 2xx: `session` is confirmed and the ACK is sent.
  virtual void on_answered(UacInvite& invite, InviteSession& session, const Message& response) = 0;
  // A final failure (after Digest retries), or a local 408/503; no session remains.
  virtual void on_failed(UacInvite& invite, const Message& response) = 0;
};

class UacInvite {
 public:
  UacInvite(UserAgent& ua, Message invite, UacInviteListener& listener);
  ~UacInvite();
  UacInvite(const UacInvite&) = delete;
  UacInvite& operator=(const UacInvite&) = delete;

  // Before start(): the INVITE and its sessions' requests go on `flow` (UserAgent::invite).
  void set_flow(const Flow& flow);
  void start();
  // CANCEL (§9.1): sent once a provisional arrived; the INVITE then fails with 487.
  Status cancel();
  // The INVITE as last sent (Call-ID, From tag, CSeq).
  const Message& request() const { return request_->request(); }
  bool answered() const { return answered_; }
  // The session of the fork with `remote_tag`, early or confirmed, if it still exists.
  InviteSession* fork(const std::string& remote_tag) const;
  const std::vector<std::string>& fork_tags() const { return fork_tags_; }

  // ---- for the user agent core: a 2xx arriving after the transaction ended ----
  bool matches(const Message& response) const;
  void on_late_2xx(const Message& response);

 private:
  void on_response(const Message& response, const Message& request);
  InviteSession* fork_for(const Message& response, const Message& request);
  void on_2xx(const Message& response, const Message& request);
  void end_early_forks();

  UserAgent& ua_;
  UacInviteListener& listener_;
  std::unique_ptr<ClientRequest> request_;
  std::optional<Flow> flow_;
  std::vector<std::string> fork_tags_;  // remote tags in order of appearance
  std::string answered_tag_;
  bool answered_ = false;
  bool failed_ = false;
  TimerId linger_ = 0;
};

}  // namespace tandem::sip
