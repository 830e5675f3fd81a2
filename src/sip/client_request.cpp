#include "sip/client_request.hpp"

#include "sip/message_builder.hpp"
#include "sip/user_agent.hpp"

namespace tandem::sip {
namespace {

// The Route whose URI is the next hop (§8.1.2), else the Request-URI.
Uri next_hop_uri(const Message& request) {
  if (auto routes = request.routes(); routes && !routes->empty()) return routes->front().uri;
  return request.request_uri();
}

}  // namespace

ClientRequest::ClientRequest(UserAgent& ua, Message request, Handler handler, bool add_contact)
    : ua_(ua),
      request_(std::move(request)),
      handler_(std::move(handler)),
      add_contact_(add_contact) {}

ClientRequest::~ClientRequest() {
  *alive_ = false;
  if (attachment_ != 0) ua_.detach(attachment_);
}

void ClientRequest::start() {
  if (preauthorize_) ua_.preauthorize(request_);
  send_attempt();
}

void ClientRequest::send_attempt() {
  if (!ua_.config().next_hop) return fail_locally(503, "No Next Hop Configured");
  ua_.config().next_hop(next_hop_ ? *next_hop_ : next_hop_uri(request_),
                        [this, alive = std::weak_ptr<bool>(alive_)](Result<Flow> flow) {
                          if (alive.expired()) return;
                          UserAgent::Guard guard(ua_);
                          on_flow(std::move(flow));
                        });
}

void ClientRequest::on_flow(Result<Flow> flow) {
  if (!flow) return fail_locally(503, "Next Hop Unreachable");
  flow_ = *flow;
  ua_.stamp(request_, *flow);
  if (add_contact_ && !request_.has(HeaderId::kContact)) {
    request_.add(HeaderId::kContact, "<" + ua_.contact_for(*flow).to_string() + ">");
  }
  if (attachment_ != 0) ua_.detach(attachment_);
  attachment_ = ua_.attach(this);
  auto sent = ua_.layer().send_request(request_, *flow, ua_.attachment(attachment_));
  if (!sent) fail_locally(503, "Transport Failure");
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

void ClientRequest::on_response(const Message& response) {
  const int status = response.status();
  if (status < 200) {
    if (final_) return;
    provisional_ = true;
    if (cancel_wanted_ && !cancel_sent_) send_cancel();
    return deliver(response);
  }
  if ((status == 401 || status == 407) && !final_ && !cancel_wanted_ &&
      auth_attempts_ < ua_.config().max_auth_attempts) {
    auto retry = ua_.authorize(request_, response);
    if (retry) {
      ++auth_attempts_;
      request_ = std::move(*retry);
      const uint32_t cseq = next_cseq_ ? next_cseq_() : request_.cseq()->number + 1;
      request_.set(HeaderId::kCSeq, std::to_string(cseq) + " " + request_.method());
      provisional_ = false;
      return send_attempt();
    }
  }
  if (final_ && (status >= 300 || request_.method() != "INVITE")) return;
  deliver(response);
}

void ClientRequest::on_timeout() { fail_locally(408, "Request Timeout"); }

void ClientRequest::on_transport_error() { fail_locally(503, "Transport Failure"); }

Status ClientRequest::cancel() {
  if (request_.method() != "INVITE") return Error{"only an INVITE can be cancelled"};
  if (final_) return Error{"the INVITE already has a final response"};
  cancel_wanted_ = true;
  if (provisional_ && !cancel_sent_) send_cancel();
  return Ok{};
}

// §9.1: same Request-URI, Call-ID, To, From, CSeq number, Route and top Via (branch) as the
// INVITE, on the same flow.
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
  // Its response matters to nobody: the INVITE's 487 is what counts.
  const uint64_t sink = ua_.attach(nullptr);
  ua_.detach(sink);
  (void)ua_.layer().send_request(std::move(cancel), *flow_, ua_.attachment(sink));
}

}  // namespace tandem::sip
