// A small SIP registrar-like responder on Tandem's stack for interop tests against JsSIP (WS,
// WSS) and TLS clients: WS, WSS and TLS listeners on 127.0.0.1, the WSS/TLS certificate either
// generated at start (ECDSA P-256, self-signed, SAN localhost/127.0.0.1) or loaded from PEM files.
// Answers through the transaction layer: REGISTER 200 (echoing Contacts, with expires), MESSAGE
// 200 (a MESSAGE to sip:close@... then closes its WebSocket), OPTIONS 200, anything else 501.
//
//   tandem_jssip_responder [--cert-out FILE] [--cert FILE --key FILE] [--token SECRET]
//
// --cert-out writes the certificate PEM (never the key) so clients can trust it. With --token,
// WebSocket upgrades must carry `?token=SECRET` or are refused with 401 (the validator hook).
// Prints "listening ws:ADDR wss:ADDR tls:ADDR fingerprint=SHA256" once ready; on SIGTERM prints
// "requests=N register=R message=M options=O malformed=X refused=U" and exits.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <string>

#include "sip/message_builder.hpp"
#include "sip/tls_identity.hpp"
#include "sip/tls_transport.hpp"
#include "sip/transaction_layer.hpp"
#include "sip/ws_transport.hpp"

namespace {

using namespace tandem::sip;

class Responder final : public TransactionLayer::User {
 public:
  void attach(TransactionLayer& layer) { layer_ = &layer; }

  void on_request(TransactionId id, const Message& request, const Flow& flow) override {
    const std::string& method = request.method();
    ++counts_[method];
    ++requests_;
    std::printf("%s %s from %s:%s conn=%llu\n", method.c_str(),
                request.request_uri().to_string().c_str(),
                std::string(transport_name(flow.kind)).c_str(), flow.remote.to_string().c_str(),
                static_cast<unsigned long long>(flow.connection_id));
    std::fflush(stdout);
    const bool known = method == "REGISTER" || method == "MESSAGE" || method == "OPTIONS";
    Message reply = make_response(request, known ? 200 : 501, {}, tag_);
    if (method == "REGISTER") {
      // Echo each binding with its lifetime (RFC 3261 §10.3 step 8); expires=0 removes it and a
      // removed binding is not listed.
      std::string default_expires = "600";
      if (const Header* h = request.find(HeaderId::kExpires))
        default_expires = std::string(h->value);
      for (std::string_view contact : request.values(HeaderId::kContact)) {
        if (contact == "*") continue;
        const bool has_expires = contact.find(";expires=") != std::string_view::npos;
        if (!has_expires && default_expires == "0") continue;
        if (has_expires && contact.find(";expires=0") != std::string_view::npos) continue;
        reply.add(HeaderId::kContact, has_expires
                                          ? std::string(contact)
                                          : std::string(contact) + ";expires=" + default_expires);
      }
    }
    if (method == "OPTIONS") reply.add(HeaderId::kAllow, "REGISTER, MESSAGE, OPTIONS");
    layer_->respond(id, std::move(reply));
    // A MESSAGE to "close" ends its WebSocket with a closing handshake after the 200.
    if (method == "MESSAGE" && request.request_uri().user == "close" && close_) close_(flow);
  }

  std::function<void(const Flow&)> close_;

  void on_stray(const Message&, const Flow&) override {}

  void report(uint64_t malformed, uint64_t refused) {
    std::printf("requests=%d register=%d message=%d options=%d malformed=%llu refused=%llu\n",
                requests_, counts_["REGISTER"], counts_["MESSAGE"], counts_["OPTIONS"],
                static_cast<unsigned long long>(malformed),
                static_cast<unsigned long long>(refused));
    std::fflush(stdout);
  }

 private:
  TransactionLayer* layer_ = nullptr;
  const std::string tag_ = random_token(10);
  std::map<std::string, int> counts_;
  int requests_ = 0;
};

const char* flag(int argc, char** argv, const char* name) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  const char* cert_out = flag(argc, argv, "--cert-out");
  const char* cert_in = flag(argc, argv, "--cert");
  const char* key_in = flag(argc, argv, "--key");
  const char* token = flag(argc, argv, "--token");

  auto identity =
      cert_in && key_in ? TlsIdentity::from_pem_files(cert_in, key_in) : TlsIdentity::generate();
  if (!identity) return std::fprintf(stderr, "%s\n", identity.error().reason.c_str()), 1;
  if (cert_out) std::ofstream(cert_out) << identity->certificate_pem();
  auto context = make_tls_server_context(*identity);
  if (!context) return std::fprintf(stderr, "%s\n", context.error().reason.c_str()), 1;

  boost::asio::io_context io;
  Responder responder;
  TransactionLayer layer(io, responder);
  responder.attach(layer);
  const PeerAddress any_port{boost::asio::ip::make_address("127.0.0.1"), 0};

  WsOptions ws_options;
  if (token) {
    const std::string expected = std::string("token=") + token;
    ws_options.validate_upgrade =
        [expected](const WsUpgradeRequest& request) -> std::optional<std::string> {
      const std::string_view target(request.target().data(), request.target().size());
      const size_t query = target.find('?');
      if (query != std::string_view::npos && target.substr(query + 1) == expected) return {};
      return "missing or wrong token";
    };
  }
  auto ws = WsTransport::listen(io, any_port, layer, ws_options);
  auto wss = WsTransport::listen_secure(io, any_port, layer, *context, ws_options);
  auto tls = TlsTransport::listen(io, any_port, layer, *context);
  for (const tandem::Error* e :
       {ws ? nullptr : &ws.error(), wss ? nullptr : &wss.error(), tls ? nullptr : &tls.error()}) {
    if (e) return std::fprintf(stderr, "%s\n", e->reason.c_str()), 1;
  }
  layer.add_transport(**ws);
  layer.add_transport(**wss);
  layer.add_transport(**tls);
  responder.close_ = [&](const Flow& flow) {
    if (flow.kind == TransportKind::kWs) (*ws)->close(flow.connection_id, "closed by request");
    if (flow.kind == TransportKind::kWss) (*wss)->close(flow.connection_id, "closed by request");
  };

  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](auto, int) {
    responder.report(
        (*ws)->stats().malformed + (*wss)->stats().malformed + (*tls)->stats().malformed,
        (*ws)->stats().upgrades_refused + (*wss)->stats().upgrades_refused);
    io.stop();
  });
  std::printf("listening ws:%s wss:%s tls:%s fingerprint=%s\n",
              (*ws)->local_address().to_string().c_str(),
              (*wss)->local_address().to_string().c_str(),
              (*tls)->local_address().to_string().c_str(), identity->fingerprint_sha256().c_str());
  std::fflush(stdout);
  io.run();
  return 0;
}
