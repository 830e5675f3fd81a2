// tandem-pbx: a small SIP server on Tandem's stack for demos, tests and first steps. This part
// dispatches requests: REGISTER to the registrar, CANCEL and in-dialog requests to the proxy,
// new requests through digest authentication, then to the services, then to the proxy.
#pragma once

#include "proxy.hpp"
#include "registrar.hpp"
#include "sip/transaction_layer.hpp"

namespace tandem::pbx {

// The seam for the pbx's own numbers (600 echo, 601 tone, 602 DTMF readback): consulted for
// every authenticated out-of-dialog request before it is routed to a registered user.
class Services {
 public:
  virtual ~Services() = default;
  // True when the request was taken (and will be answered through `layer`).
  virtual bool on_request(sip::TransactionLayer& layer, sip::TransactionId id,
                          const sip::Message& request, const sip::Flow& flow) = 0;
};

class Pbx final : public sip::TransactionLayer::User {
 public:
  Pbx(Registrar& registrar, Proxy& proxy) : registrar_(registrar), proxy_(proxy) {}
  void attach(sip::TransactionLayer& layer) {
    layer_ = &layer;
    proxy_.attach(layer);
  }
  void set_services(Services* services) { services_ = services; }

  void on_request(sip::TransactionId id, const sip::Message& request,
                  const sip::Flow& flow) override;
  void on_stray(const sip::Message& message, const sip::Flow& flow) override {
    proxy_.on_stray(message, flow);
  }

 private:
  void route(sip::TransactionId id, const sip::Message& request, const sip::Flow& flow);

  Registrar& registrar_;
  Proxy& proxy_;
  Services* services_ = nullptr;
  sip::TransactionLayer* layer_ = nullptr;
};

}  // namespace tandem::pbx
