// The routing half of tandem-pbx: a transaction-stateful proxy (RFC 3261 §16). Requests for a
// registered user fork in parallel to every live contact (first 2xx wins, the other branches are
// cancelled); the proxy Record-Routes dialog-creating requests with a flow token (flow_token.hpp)
// so in-dialog requests come back through it and go out on the connection each party uses.
// Strays (2xx ACKs, late 2xx retransmissions) are forwarded statelessly.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <unordered_map>

#include "common/clock.hpp"
#include "registrar.hpp"
#include "sip/transaction_layer.hpp"

namespace tandem::pbx {

struct ProxyOptions {
  sip::TimerConfig timers;  // the transaction layer's
  // No final answer from any contact for this long: cancel them all and answer 480.
  Duration ring_timeout{std::chrono::seconds(60)};
};

class Proxy {
 public:
  Proxy(boost::asio::io_context& io, Registrar& registrar, const ProxyOptions& options = {});
  ~Proxy();
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  void attach(sip::TransactionLayer& layer) { layer_ = &layer; }
  // Where requests of that transport kind leave, and the address written into Via/Record-Route.
  void add_transport(sip::Transport& transport);

  // An authenticated out-of-dialog request for the user in its Request-URI: 404, 480, 483, or
  // forked to the user's contacts.
  void route(sip::TransactionId id, const sip::Message& request, const sip::Flow& flow);
  // The same toward one fixed contact (the pbx's own service user agent), Record-Routed like a
  // registered user's, so in-dialog requests of both sides come through the proxy.
  void route_to(sip::TransactionId id, const sip::Message& request, const sip::Flow& flow,
                const sip::Flow& target, const sip::Uri& contact);
  // A request with a To tag: toward the other party of the dialog, along the flow token.
  void forward_in_dialog(sip::TransactionId id, const sip::Message& request, const sip::Flow& flow);
  // §16.10: answers the CANCEL and cancels the branches of the INVITE it matches.
  void cancel(sip::TransactionId id, const sip::Message& cancel);
  // §16.11 stateless forwarding of what no transaction owns.
  void on_stray(const sip::Message& message, const sip::Flow& flow);

  size_t active_contexts() const { return contexts_.size(); }

 private:
  struct Branch;
  struct Context;

  Context& open_context(sip::TransactionId id, const sip::Message& request, const sip::Flow& flow);
  void fork(Context& ctx, const sip::Flow& target, const sip::Uri& request_uri, bool record_route);
  void on_branch_response(Branch& branch, const sip::Message& response);
  void on_branch_failure(Branch& branch, int status);
  void cancel_branches(Context& ctx);
  void send_cancel(Branch& branch);
  void on_branch_terminated(Branch& branch);
  static bool idle(const Context& ctx);  // no client transaction of it exists any more
  void settle(Context& ctx);
  void answer(Context& ctx, sip::Message response);

  // Where a contact is reached: its registration's flow or the address in its URI.
  sip::Flow target_for(const Binding& binding) const;
  std::optional<sip::Flow> uri_target(const sip::Uri& uri) const;
  // Pops our own Route entries; the other party's flow, or the target of the Request-URI.
  std::optional<sip::Flow> in_dialog_target(sip::Message& request, const sip::Flow& from);
  std::string advertised(sip::TransportKind kind, const sip::PeerAddress& hint) const;
  std::string via_for(sip::TransportKind kind, const sip::PeerAddress& hint,
                      std::string_view branch) const;
  std::string record_route(sip::TransportKind kind, const sip::PeerAddress& hint,
                           const std::string& token) const;
  bool send_raw(const sip::Message& message, const sip::Flow& flow);
  void arm_sweep();
  void sweep();

  Registrar& registrar_;
  ProxyOptions options_;
  boost::asio::steady_timer sweep_timer_;
  sip::TransactionLayer* layer_ = nullptr;
  sip::Transport* transports_[5] = {};
  std::unordered_map<sip::TransactionId, std::unique_ptr<Context>> contexts_;  // by server id
};

}  // namespace tandem::pbx
