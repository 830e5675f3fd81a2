// One dialog created by an INVITE (RFC 3261 §12-§15), from either side: in-dialog requests out
// (BYE, re-INVITE with 491 glare retry per §14.1, UPDATE, INFO, MESSAGE, REFER) and in (CSeq
// check, target refresh, 491 on glare), the 2xx ACK we send (re-sent for retransmitted 2xx) and
// the 2xx we retransmit until the peer's ACK (§13.3.1.4, BYE after 64*T1 without it).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "sip/client_request.hpp"
#include "sip/dialog.hpp"
#include "sip/timer_queue.hpp"
#include "sip/user_agent.hpp"

namespace tandem::sip {

enum class SessionEnd : uint8_t {
  kLocalBye,   // we sent BYE
  kRemoteBye,  // the peer sent BYE
  kNoAck,      // our 2xx was never ACKed: BYE sent (§13.3.1.4)
  kRejected,   // early dialog ended by a failure or another fork's answer
  kCancelled,  // the INVITE was cancelled before an answer
  kFailed,     // an in-dialog request got 481/408 or could not be sent (§12.2.1.2)
};
std::string_view to_string(SessionEnd end);

class InviteSession {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    // An in-dialog request other than BYE/ACK/CANCEL (re-INVITE, UPDATE, INFO, MESSAGE, REFER,
    // NOTIFY, ...). Answer with session.respond(). Without a listener: 200 for INFO, MESSAGE,
    // NOTIFY and OPTIONS, 488 for re-INVITE and UPDATE, 501 otherwise.
    virtual void on_request(InviteSession& session, const IncomingRequest& request) = 0;
    // The ACK for a 2xx we sent (it may carry the answer of a late offer).
    virtual void on_ack(InviteSession& /*session*/, const Message& /*ack*/) {}
    // The session is over; it is deleted after this returns.
    virtual void on_terminated(InviteSession& session, SessionEnd end) = 0;
  };

  InviteSession(UserAgent& ua, Dialog dialog);
  ~InviteSession();
  InviteSession(const InviteSession&) = delete;
  InviteSession& operator=(const InviteSession&) = delete;

  const Dialog& dialog() const { return dialog_; }
  Dialog& dialog() { return dialog_; }
  bool confirmed() const { return dialog_.state() == DialogState::kConfirmed; }
  bool terminated() const { return dialog_.state() == DialogState::kTerminated; }
  void set_listener(Listener* listener) { listener_ = listener; }
  UserAgent& ua() { return ua_; }

  // Sends every request of this dialog (and the ACK) on `flow`: a browser's WebSocket.
  void set_flow(const Flow& flow) { flow_ = flow; }
  const std::optional<Flow>& flow() const { return flow_; }
  // Sends BYE (CANCEL is the INVITE's business) and ends the session. A non-empty `reason` is
  // sent as the Reason header (RFC 3326), e.g. `SIP ;cause=408 ;text="Request Timeout"`.
  void bye(std::string_view reason = {});
  // An in-dialog request; `on_response` gets its responses (a 481 or 408 ends the session).
  Status request(std::string_view method, std::string body = {}, std::string_view content_type = {},
                 ClientRequest::Handler on_response = {});
  // The same for a request the caller built from dialog().make_request() and completed with
  // headers of its own (a B2BUA relaying a NOTIFY keeps its Event and Subscription-State).
  Status send(Message request, ClientRequest::Handler on_response = {});
  // A re-INVITE (§14.1): one at a time; on 491 it is retried once after the §14.1 random delay.
  // The ACK for its 2xx is sent here; `on_response` sees the final response.
  Status reinvite(std::string body, std::string_view content_type,
                  ClientRequest::Handler on_response = {});
  // Answers a request handed to Listener::on_request. A 2xx to a re-INVITE is retransmitted
  // until its ACK. Contact is added to 2xx for target-refresh methods.
  bool respond(const IncomingRequest& request, int status, std::string body = {},
               std::string_view content_type = {}, std::string_view reason = {});

  // ---- for the user agent core ----
  // A request in this dialog from the transaction layer (never ACK: see on_ack).
  void on_request(const IncomingRequest& request);
  void on_ack(const Message& ack);
  // A 2xx for an INVITE of ours: ACK it (again, for a retransmission).
  void acknowledge(const Message& response);
  // Starts retransmitting our 2xx to the INVITE `transaction` until the ACK.
  void start_answer(const Message& ok, TransactionId transaction, const Flow& flow);
  // Ends the session and tells the listener, once.
  void end(SessionEnd reason);

 private:
  struct PendingAnswer {
    Message ok;
    TransactionId transaction = 0;
    Flow flow;
    uint32_t cseq = 0;
    Duration interval{0};
    TimerId retransmit = 0;
    TimerId give_up = 0;
  };
  struct SentAck {
    uint32_t cseq = 0;
    std::string remote_tag;
    Message ack;
    std::optional<Flow> flow;
  };

  void default_answer(const IncomingRequest& request);
  void retransmit_answer();
  void stop_answer();
  void send_ack(uint32_t cseq);
  void on_reinvite_response(const Message& response, const Message& request);
  void start_reinvite();
  SendOptions send_options() const { return SendOptions{false, dialog_.next_hop_uri(), flow_}; }

  UserAgent& ua_;
  Dialog dialog_;
  Listener* listener_ = nullptr;
  std::optional<Flow> flow_;
  std::optional<PendingAnswer> answer_;
  std::optional<SentAck> last_ack_;
  std::unique_ptr<ClientRequest> reinvite_;  // our pending re-INVITE
  std::string reinvite_body_;
  std::string reinvite_type_;
  ClientRequest::Handler reinvite_handler_;
  bool reinvite_pending_ = false;  // sent, no final response yet
  bool glare_retried_ = false;
  TimerId glare_timer_ = 0;
  std::optional<TransactionId> incoming_invite_;  // a re-INVITE we have not answered
  bool ended_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tandem::sip
