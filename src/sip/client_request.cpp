#include "sip/client_request.hpp"

#include <algorithm>

#include "sip/message_builder.hpp"
#include "sip/user_agent.hpp"

namespace tandem::sip {
namespace {

// The Route whose URI is the next hop (§8.1.2), else the Request-URI.
Uri next_hop_uri(const Message& request) {
  if (auto routes = request.routes(); routes && !routes->empty()) return routes->front().uri;
  return request.request_uri();
}

// Swallows what a CANCEL's client transaction reports: the INVITE's 487 is what counts.
struct IgnoreResponses final : ClientTransactionUser {
  void send(const Message&) override {}
  void on_response(const Message&) override {}
  void on_timeout() override {}
  void on_transport_error() override {}
};

// The one flow a pinned request goes on.
class PinnedFlowOpener final : public FlowOpener {
 public:
  explicit PinnedFlowOpener(const Flow& flow) : flow_(flow) {}
  void open(const Target& /*target*/, FlowDone done) override { done(flow_); }
  std::optional<PeerAddress> local_address(TransportKind /*kind*/) const override {
    return flow_.local;
  }

 private:
  Flow flow_;
};
}  // namespace

ClientRequest::ClientRequest(UserAgent& ua, Message request, Handler handler, bool add_contact)
    : ua_(ua),
      request_(std::move(request)),
      handler_(std::move(handler)),
      add_contact_(add_contact) {}

ClientRequest::~ClientRequest() {
  *alive_ = false;
  if (failover_ != 0) ua_.failover().cancel(failover_);
}

void ClientRequest::start() {
  if (preauthorize_) ua_.preauthorize(request_);
  if (pinned_flow_) {
    const std::string host = pinned_flow_->remote.ip.to_string();
    Target target{pinned_flow_->kind, pinned_flow_->remote, host, host};
    return on_hops(NextHops{{target}, std::make_shared<PinnedFlowOpener>(*pinned_flow_)});
  }
  if (!ua_.config().next_hop) return fail_locally(503, "No Next Hop Configured");
  ua_.config().next_hop(next_hop_ ? *next_hop_ : next_hop_uri(request_),
                        [this, alive = std::weak_ptr<bool>(alive_)](Result<NextHops> hops) {
                          if (alive.expired()) return;
                          UserAgent::Guard guard(ua_);
                          on_hops(std::move(hops));
                        });
}

void ClientRequest::on_hops(Result<NextHops> hops) {
  if (!hops) return fail_locally(503, "Next Hop Unreachable");
  hops_ = std::move(*hops);
  send_to(*hops_);
}

// Every try (failover or Digest retry) is a new transaction with a new branch. A failover try is
// otherwise the same request, CSeq included: RFC 3263 §4.3 asks for "a new request, which is
// identical to the previous, but has a different value of the Via branch ID"; the earlier
// target never saw a request it answered with anything but 503 (or nothing), so no CSeq space of
// a dialog is spent. A Digest retry is a new request within the same call leg and takes the next
// CSeq (§8.1.3.5, §22.2).
void ClientRequest::send_to(NextHops hops) {
  ua_.stamp(request_, Flow{});  // a Via to rewrite; each try sets transport, sent-by, branch
  auto id = ua_.failover().send(request_, std::move(hops), *this);
  if (!id) return fail_locally(503, "Next Hop Unreachable");
  failover_ = *id;
}

void ClientRequest::on_attempt(const Target& /*target*/, Message& request, const Flow& flow) {
  UserAgent::Guard guard(ua_);
  ++tries_;
  ua_.stamp(request, flow);
  if (add_contact_ && (contact_added_ || !request.has(HeaderId::kContact))) {
    request.remove(HeaderId::kContact);  // the one added for an earlier try's flow
    request.add(HeaderId::kContact, "<" + ua_.contact_for(flow).to_string() + ">");
    contact_added_ = true;
  }
  request_ = request;  // the CANCEL copies its Via; a Digest retry starts from it
  flow_ = flow;
  provisional_ = false;
}

void ClientRequest::on_target_failed(const Target& /*target*/, const Error& /*why*/) {
  UserAgent::Guard guard(ua_);
  if (!cancel_wanted_) return;
  // Cancelled before any target answered: trying the next one would only ring it.
  ua_.failover().cancel(std::exchange(failover_, 0));
  fail_locally(487, "Request Terminated");
}

void ClientRequest::fail_locally(int status, std::string_view reason) {
  if (final_) return;
  Message response = make_response(request_, status, reason);
  deliver(response);
}

void ClientRequest::deliver(const Message& response) {
  if (response.status() >= 200) {
    final_ = true;
    // Non-INVITE requests are over; an INVITE stays to pass on later 2xx from other forks.
    if (request_.method() != "INVITE" || response.status() >= 300) done_ = true;
  }
  if (handler_) handler_(response, request_);
}

void ClientRequest::on_response(const Message& response, const Target& target) {
  UserAgent::Guard guard(ua_);
  const int status = response.status();
  if (status < 200) {
    if (final_) return;
    provisional_ = true;
    if (cancel_wanted_ && !cancel_sent_) send_cancel();
    return deliver(response);
  }
  if ((status == 401 || status == 407) && !final_ && !cancel_wanted_ &&
      auth_attempts_ < ua_.config().max_auth_attempts && hops_) {
    auto retry = ua_.authorize(request_, response);
    if (retry) {
      ++auth_attempts_;
      request_ = std::move(*retry);
      const uint32_t cseq = next_cseq_ ? next_cseq_() : request_.cseq()->number + 1;
      request_.set(HeaderId::kCSeq, std::to_string(cseq) + " " + request_.method());
      // The challenger first (its nonce is valid there), then the targets after it.
      NextHops rest{{}, hops_->opener};
      auto from = std::find(hops_->targets.begin(), hops_->targets.end(), target);
      if (from == hops_->targets.end()) from = hops_->targets.begin();
      rest.targets.assign(from, hops_->targets.end());
      return send_to(std::move(rest));
    }
  }
  if (final_ && (status >= 300 || request_.method() != "INVITE")) return;
  deliver(response);
}

void ClientRequest::on_timeout() {
  UserAgent::Guard guard(ua_);
  fail_locally(408, "Request Timeout");
}

void ClientRequest::on_transport_error(const Error& /*why*/) {
  UserAgent::Guard guard(ua_);
  fail_locally(503, "Transport Failure");
}

Status ClientRequest::cancel() {
  if (request_.method() != "INVITE") return Error{"only an INVITE can be cancelled"};
  if (final_) return Error{"the INVITE already has a final response"};
  cancel_wanted_ = true;
  if (provisional_ && !cancel_sent_) send_cancel();
  return Ok{};
}

// §9.1: same Request-URI, Call-ID, To, From, CSeq number, Route and top Via (branch) as the
// INVITE, on the same flow: to the target the current try went to.
void ClientRequest::send_cancel() {
  if (!flow_) return;
  cancel_sent_ = true;
  Message cancel = Message::request("CANCEL", request_.request_uri());
  for (const Header& h : request_.headers()) {
    switch (h.id) {
      case HeaderId::kRoute:
      case HeaderId::kFrom:
      case HeaderId::kTo:
      case HeaderId::kCallId:
      case HeaderId::kMaxForwards:
        cancel.add(h.id, h.value);
        break;
      default:
        break;
    }
  }
  if (auto vias = request_.values(HeaderId::kVia); !vias.empty()) {
    cancel.prepend(HeaderId::kVia, vias.front());
  }
  cancel.add(HeaderId::kCSeq, std::to_string(request_.cseq()->number) + " CANCEL");
  static IgnoreResponses ignore;  // stateless: one for every CANCEL
  (void)ua_.layer().send_request(std::move(cancel), *flow_, ignore);
}

}  // namespace tandem::sip
