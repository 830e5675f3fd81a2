// One request the user agent core sends and follows to its final answer: the next hop's ordered
// targets tried in turn (FailoverSender: RFC 3263 §4.3 failover on transport errors, timeouts
// and 503), Via stamping, automatic Digest retry on 401/407 (new branch, next CSeq), CANCEL
// (§9.1, deferred until a provisional arrived, to the target the INVITE went to), and local
// 408/503 answers for timeouts and transport failures (§8.1.3.1) so the handler always sees a
// response.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "common/result.hpp"
#include "sip/failover_sender.hpp"
#include "sip/message.hpp"
#include "sip/next_hop.hpp"
#include "sip/transport.hpp"

namespace tandem::sip {

class UserAgent;

class ClientRequest final : public FailoverUser {
 public:
  // Every response (provisional, final, and for INVITE any later 2xx), with the request as sent.
  using Handler = std::function<void(const Message& response, const Message& request)>;

  // `request` needs Request-URI, To, From, Call-ID, CSeq; Via and Max-Forwards are added, and
  // Contact (the UA's, for the flow) when `add_contact` and the request has none.
  ClientRequest(UserAgent& ua, Message request, Handler handler, bool add_contact = false);
  ~ClientRequest() override;
  ClientRequest(const ClientRequest&) = delete;
  ClientRequest& operator=(const ClientRequest&) = delete;

  // In-dialog requests take their retry CSeq from the dialog so numbers stay ordered.
  void set_cseq_source(std::function<uint32_t()> next) { next_cseq_ = std::move(next); }
  // Where to send instead of the first Route or the Request-URI (a dialog's strict router).
  void set_next_hop(Uri uri) { next_hop_ = std::move(uri); }
  // Send on this flow only, without asking the next hop (a browser's WebSocket connection).
  void set_flow(const Flow& flow) { pinned_flow_ = flow; }
  // Send credentials remembered from earlier challenges up front (registration refreshes).
  void set_preauthorize(bool on) { preauthorize_ = on; }

  void start();
  // Cancels a pending INVITE; the 487 comes through the handler.
  Status cancel();

  bool done() const { return done_; }  // a final response was delivered (or start failed)
  const Message& request() const { return request_; }        // as last sent
  const std::optional<Flow>& flow() const { return flow_; }  // of the latest try
  size_t tries() const { return tries_; }

  // FailoverUser: the events of the current try.
  void on_attempt(const Target& target, Message& request, const Flow& flow) override;
  void on_target_failed(const Target& target, const Error& why) override;
  void on_response(const Message& response, const Target& target) override;
  void on_timeout() override;
  void on_transport_error(const Error& why) override;

 private:
  void on_hops(Result<NextHops> hops);
  void send_to(NextHops hops);
  void fail_locally(int status, std::string_view reason);
  void deliver(const Message& response);
  void send_cancel();

  UserAgent& ua_;
  Message request_;
  Handler handler_;
  bool add_contact_;
  bool contact_added_ = false;
  bool preauthorize_ = false;
  std::function<uint32_t()> next_cseq_;
  std::optional<Uri> next_hop_;
  std::optional<Flow> pinned_flow_;
  std::optional<NextHops> hops_;  // the targets, kept for Digest retries
  std::optional<Flow> flow_;
  FailoverId failover_ = 0;
  size_t tries_ = 0;
  int auth_attempts_ = 0;
  bool provisional_ = false;
  bool cancel_wanted_ = false;
  bool cancel_sent_ = false;
  bool final_ = false;
  bool done_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tandem::sip
