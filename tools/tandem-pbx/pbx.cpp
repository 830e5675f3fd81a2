#include "pbx.hpp"

#include "sip/message_builder.hpp"

namespace tandem::pbx {

using sip::HeaderId;
using sip::Message;

void Pbx::on_request(sip::TransactionId id, const Message& request, const sip::Flow& flow) {
  const std::string& method = request.method();
  const TimePoint now = SteadyClock::now();
  if (method == "REGISTER") {
    layer_->respond(id, registrar_.handle(request, flow, now));
  } else if (method == "OPTIONS") {
    Message ok = sip::make_response(request, 200, {}, sip::random_token(10));
    ok.add(HeaderId::kAllow, "REGISTER, OPTIONS, INVITE, ACK, CANCEL, BYE, MESSAGE");
    layer_->respond(id, std::move(ok));
  } else {
    route(id, request);
  }
}

// Requests for users: 404 for strangers, 480 while nobody is registered. Relaying to a
// registered contact is the next step of the SIP-stack issue and answered 501 until then.
void Pbx::route(sip::TransactionId id, const Message& request) {
  const std::string user = sip::unescape(request.request_uri().user);
  int status = 501;
  std::string reason = "Not Implemented (relaying to registered users is not built yet)";
  if (!registrar_.knows(user)) {
    status = 404;
    reason = "Not Found";
  } else if (registrar_.lookup(user, SteadyClock::now()).empty()) {
    status = 480;
    reason = "Temporarily Unavailable (not registered)";
  }
  layer_->respond(id, sip::make_response(request, status, reason, sip::random_token(10)));
}

}  // namespace tandem::pbx
