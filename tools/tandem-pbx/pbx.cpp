#include "pbx.hpp"

#include "sip/message_builder.hpp"

namespace tandem::pbx {

using sip::HeaderId;
using sip::Message;

void Pbx::on_request(sip::TransactionId id, const Message& request, const sip::Flow& flow) {
  const std::string& method = request.method();
  if (method == "REGISTER") {
    layer_->respond(id, registrar_.handle(request, flow, SteadyClock::now()));
  } else if (method == "CANCEL") {
    proxy_.cancel(id, request);
  } else if (auto to = request.first_as(HeaderId::kTo, sip::parse_name_addr_view);
             to && !to->tag.empty()) {
    proxy_.forward_in_dialog(id, request, flow);
  } else if (method == "OPTIONS") {
    Message ok = sip::make_response(request, 200, {}, sip::random_token(10));
    ok.add(HeaderId::kAllow, "REGISTER, OPTIONS, INVITE, ACK, CANCEL, BYE, MESSAGE, INFO");
    layer_->respond(id, std::move(ok));
  } else {
    route(id, request, flow);
  }
}

// New requests come from our users (§22.3: 407 until the credentials verify, and a caller
// writing one of our users in From must be that user), then go to a service or a user.
void Pbx::route(sip::TransactionId id, const Message& request, const sip::Flow& flow) {
  auto from = request.from();
  const std::string from_user = from ? sip::unescape(from->uri.user) : std::string();
  const std::string owner = registrar_.knows(from_user) ? from_user : std::string();
  if (auto refused = registrar_.authenticate(request, 407, owner, SteadyClock::now())) {
    layer_->respond(id, std::move(*refused));
    return;
  }
  if (services_ != nullptr && services_->on_request(*layer_, id, request, flow)) {
    return;
  }
  proxy_.route(id, request, flow);
}

}  // namespace tandem::pbx
