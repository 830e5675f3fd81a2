// tandem-pbx: a small SIP server on Tandem's stack for demos, tests and first steps. This part
// dispatches requests; the registrar keeps the bindings.
#pragma once

#include "registrar.hpp"
#include "sip/transaction_layer.hpp"

namespace tandem::pbx {

class Pbx final : public sip::TransactionLayer::User {
 public:
  explicit Pbx(Registrar& registrar) : registrar_(registrar) {}
  void attach(sip::TransactionLayer& layer) { layer_ = &layer; }

  void on_request(sip::TransactionId id, const sip::Message& request,
                  const sip::Flow& flow) override;
  void on_stray(const sip::Message&, const sip::Flow&) override {}

 private:
  void route(sip::TransactionId id, const sip::Message& request);

  Registrar& registrar_;
  sip::TransactionLayer* layer_ = nullptr;
};

}  // namespace tandem::pbx
