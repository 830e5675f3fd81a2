// A small SIP user agent server on Tandem's stack (UDP + TCP transports and the transaction
// layer), for interop tests against SIPp. It answers by Request-URI user:
//   OPTIONS, MESSAGE, REGISTER: 200 (REGISTER echoes its Contacts);
//   INVITE to "ring": 180 and never answers (the caller CANCELs); any other INVITE: 180 then
//   200 with an SDP answer; BYE and CANCEL: 200 (and 487 for the cancelled INVITE).
// On SIGTERM it prints "requests=N stray=M" and exits.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sip/message_builder.hpp"
#include "sip/tcp_transport.hpp"
#include "sip/transaction_layer.hpp"
#include "sip/udp_transport.hpp"

namespace {

using namespace tandem::sip;

class Responder final : public TransactionLayer::User {
 public:
  void attach(TransactionLayer& layer) { layer_ = &layer; }

  void on_request(TransactionId id, const Message& request, const Flow& flow) override {
    ++requests_;
    const std::string& method = request.method();
    std::printf("%s %s from %s:%s\n", method.c_str(), request.request_uri().to_string().c_str(),
                std::string(transport_name(flow.kind)).c_str(), flow.remote.to_string().c_str());
    std::fflush(stdout);
    if (method == "INVITE") return answer_invite(id, request, flow);
    if (method == "CANCEL") return cancel(id, request);
    Message ok = make_response(
        request,
        method == "OPTIONS" || method == "MESSAGE" || method == "REGISTER" || method == "BYE" ? 200
                                                                                              : 501,
        {}, tag_);
    if (method == "REGISTER") {
      for (std::string_view contact : request.values(HeaderId::kContact)) {
        ok.add(HeaderId::kContact, contact);
      }
    }
    if (method == "OPTIONS") ok.add(HeaderId::kAllow, "INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE");
    layer_->respond(id, std::move(ok));
  }

  void on_stray(const Message& m, const Flow& flow) override {
    ++stray_;
    std::printf("stray %s from %s:%s\n", m.is_request() ? m.method().c_str() : "response",
                std::string(transport_name(flow.kind)).c_str(), flow.remote.to_string().c_str());
    std::fflush(stdout);
  }

  void report() const { std::printf("requests=%d stray=%d\n", requests_, stray_); }

 private:
  void answer_invite(TransactionId id, const Message& invite, const Flow& flow) {
    layer_->respond(id, make_response(invite, 180, {}, tag_));
    if (invite.request_uri().user == "ring") return;
    Message ok = make_response(invite, 200, {}, tag_);
    ok.add(HeaderId::kContact, "<sip:responder@" + flow.local.to_string() +
                                   ";transport=" + std::string(transport_name(flow.kind)) + ">");
    ok.add(HeaderId::kContentType, "application/sdp");
    const std::string ip = flow.local.ip.to_string();
    ok.set_body("v=0\r\no=- 1 1 IN IP4 " + ip + "\r\ns=-\r\nc=IN IP4 " + ip +
                "\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n");
    layer_->respond(id, std::move(ok));
  }

  void cancel(TransactionId id, const Message& cancel) {
    if (auto invite = layer_->invite_for_cancel(cancel)) {
      layer_->respond(id, make_response(cancel, 200, {}, tag_));
      Message terminated = make_response(cancel, 487, {}, tag_);
      terminated.set(HeaderId::kCSeq, std::to_string(cancel.cseq()->number) + " INVITE");
      layer_->respond(*invite, std::move(terminated));
    } else {
      layer_->respond(id, make_response(cancel, 481, {}, tag_));
    }
  }

  TransactionLayer* layer_ = nullptr;
  const std::string tag_ = random_token(10);
  int requests_ = 0;
  int stray_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s UDP_PORT TCP_PORT (on 127.0.0.1)\n", argv[0]);
    return 2;
  }
  boost::asio::io_context io;
  Responder responder;
  TransactionLayer layer(io, responder);
  responder.attach(layer);
  const auto loopback = boost::asio::ip::make_address("127.0.0.1");
  auto port = [](const char* text) { return static_cast<uint16_t>(std::atoi(text)); };
  auto udp = UdpTransport::open(io, {loopback, port(argv[1])}, layer);
  auto tcp = TcpTransport::listen(io, {loopback, port(argv[2])}, layer);
  if (!udp || !tcp) {
    std::fprintf(stderr, "%s\n", (!udp ? udp.error() : tcp.error()).reason.c_str());
    return 1;
  }
  layer.add_transport(**udp);
  layer.add_transport(**tcp);
  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](auto, int) {
    responder.report();
    io.stop();
  });
  std::printf("listening udp:%s tcp:%s\n", (*udp)->local_address().to_string().c_str(),
              (*tcp)->local_address().to_string().c_str());
  std::fflush(stdout);
  io.run();
  return 0;
}
