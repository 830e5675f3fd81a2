// The user agent core (RFC 3261 §8, §12-§15) on top of the transaction layer: it owns the
// layer, routes new requests and stray messages to dialogs (481 for unknown ones), starts client
// requests with Digest retry, and keeps the INVITE sessions, incoming and outgoing INVITEs alive.
// Its own timers run on an injected clock (TimerQueue), so call flows are testable without sleeps.
// One signaling thread; nothing here is thread-safe.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sip/client_request.hpp"
#include "sip/dialog_id.hpp"
#include "sip/digest_auth.hpp"
#include "sip/failover_sender.hpp"
#include "sip/next_hop.hpp"
#include "sip/timer_queue.hpp"
#include "sip/transaction_layer.hpp"

namespace tandem::sip {

class InviteSession;
class IncomingInvite;
class UacInvite;
class UacInviteListener;

// A request we received and still have to answer.
struct IncomingRequest {
  TransactionId id = 0;
  Message request;
  Flow flow;
};

struct Credentials {
  std::string username;
  std::string password;
};
// Credentials for a realm that challenged `request`; empty: give up (the 401/407 goes to the
// caller). The request lets one user agent act for many users (the gateway picks by From).
using CredentialsLookup =
    std::function<std::optional<Credentials>(std::string_view realm, const Message& request)>;

struct UserAgentConfig {
  TimerConfig timers;
  // The clock for the core's and its transaction layer's timers. With `asio_timers` false the
  // owner calls tick() itself.
  std::function<TimePoint()> now = [] { return SteadyClock::now(); };
  bool asio_timers = true;
  NextHop next_hop;  // required: the ordered targets of a URI (LiteralNextHop, ResolvingNextHop)
  CredentialsLookup credentials;
  // Our Contact for messages on a flow; default sip:<contact_user>@<flow.local>;transport=<kind>.
  std::function<Uri(const Flow&)> contact;
  std::string contact_user = "tandem";
  std::string user_agent = "Tandem";
  // Pre-loaded loose route for out-of-dialog requests (an outbound proxy), if any.
  std::optional<Uri> outbound_proxy;
  int max_auth_attempts = 3;
};

// How UserAgent::send sends a request.
struct SendOptions {
  bool add_contact = false;     // our Contact for the flow, unless the request has one
  std::optional<Uri> next_hop;  // default: the first Route, else the Request-URI
  // Send on this flow without resolving a next hop: a browser's WebSocket (RFC 7118 §5, its
  // Contact is not reachable otherwise).
  std::optional<Flow> flow;
};

class UserAgent final : public TransactionLayer::User {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    // A new INVITE outside any dialog. Answer through invite.respond() now or later; `invite`
    // stays valid until its final response (or on_cancelled) returns.
    virtual void on_invite(IncomingInvite& invite) = 0;
    // The caller cancelled `invite` before it was answered; 487 has been sent.
    virtual void on_cancelled(IncomingInvite& /*invite*/) {}
    // Any other request outside a dialog (OPTIONS, MESSAGE, ...). Answer with respond().
    // Default: 405 Method Not Allowed.
    virtual void on_request_outside_dialog(UserAgent& ua, const IncomingRequest& request);
  };

  UserAgent(boost::asio::io_context& io, UserAgentConfig config, Listener& listener);
  ~UserAgent() override;
  UserAgent(const UserAgent&) = delete;
  UserAgent& operator=(const UserAgent&) = delete;

  TransactionLayer& layer() { return layer_; }
  const UserAgentConfig& config() const { return config_; }
  TimePoint now() const { return config_.now(); }
  // Runs the transaction layer's and the core's timers that are due on the configured clock.
  void tick();

  // A request outside any dialog: new Call-ID and From tag, CSeq 1, Max-Forwards, the outbound
  // proxy as Route. Add headers and body before sending.
  Message make_request(std::string_view method, const Uri& request_uri, const NameAddr& from,
                       const NameAddr& to) const;
  // Sends a non-INVITE request and forgets it once answered; `handler` gets every response.
  void send(Message request, ClientRequest::Handler handler = {}, SendOptions options = {});
  // Sends an INVITE (from make_request("INVITE", ...)); see UacInvite for the events. The
  // UacInvite stays valid until its on_failed returns, or 64*T1 after on_answered (other forks
  // may still answer until then); sessions until their on_terminated returns.
  // With `flow`, the INVITE and every request of its sessions go on that flow (SendOptions::flow).
  UacInvite& invite(Message request, UacInviteListener& listener,
                    std::optional<Flow> flow = std::nullopt);
  // Answers a request handed to Listener::on_request_outside_dialog.
  bool respond(const IncomingRequest& request, int status, std::string_view reason = {});

  size_t session_count() const { return sessions_.size(); }
  size_t pending_timers() const { return timers_.size(); }
  InviteSession* find_session(const DialogId& id);

  // ---- for the core's own classes ----
  // Marks a call into the core from outside (a transaction, a timer, an asynchronous next hop):
  // objects retired meanwhile are deleted only when the outermost Guard ends.
  class Guard {
   public:
    explicit Guard(UserAgent& ua) : ua_(ua) { ++ua_.depth_; }
    ~Guard() {  // NOLINT(bugprone-exception-escape): settle() frees memory, re-arms a timer
      if (--ua_.depth_ == 0) ua_.settle();
    }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    UserAgent& ua_;
  };
  TimerId after(Duration delay, std::function<void()> callback);
  void cancel_timer(TimerId id) { timers_.cancel(id); }
  Uri contact_for(const Flow& flow) const;
  bool send_stateless(const Message& message, const Flow& flow);
  // Stamps a new Via for `flow` on `request` (replacing any), adds User-Agent once.
  void stamp(Message& request, const Flow& flow) const;
  // Sends every client request, trying the next hop's targets in turn.
  FailoverSender& failover() { return *failover_; }
  // A copy of `request` answering the 401/407 `challenge`, or why not (no credentials, rejected).
  Result<Message> authorize(const Message& request, const Message& challenge);
  // Credentials remembered from earlier challenges, added up front.
  void preauthorize(Message& request);
  InviteSession& add_session(std::unique_ptr<InviteSession> session);
  // Removes a terminated session once the current call stack unwinds.
  void retire(InviteSession& session);
  void retire(IncomingInvite& invite);
  void retire(UacInvite& invite);

  // TransactionLayer::User
  void on_request(TransactionId id, const Message& request, const Flow& flow) override;
  void on_stray(const Message& message, const Flow& flow) override;

 private:
  void on_cancel(TransactionId id, const Message& cancel);
  void settle();
  void rearm();

  UserAgentConfig config_;
  Listener& listener_;
  // Declared before the layer, so it outlives the transactions it started.
  std::unique_ptr<FailoverSender> failover_;
  TransactionLayer layer_;
  TransactionLayerSender sender_{layer_};
  boost::asio::steady_timer timer_;
  TimerQueue timers_;
  int depth_ = 0;
  std::unordered_map<DialogId, std::unique_ptr<InviteSession>, DialogIdHash> sessions_;
  std::map<TransactionId, std::unique_ptr<IncomingInvite>> incoming_;
  std::list<std::unique_ptr<UacInvite>> outgoing_;
  std::list<std::unique_ptr<ClientRequest>> requests_;       // fire-and-forget
  std::map<std::string, DigestClient, std::less<>> digest_;  // by username
  std::vector<std::unique_ptr<InviteSession>> retired_sessions_;
  std::vector<std::unique_ptr<IncomingInvite>> retired_incoming_;
  std::vector<std::unique_ptr<UacInvite>> retired_outgoing_;
};

}  // namespace tandem::sip
