// The proxy frees a request's state once every client transaction of it has ended, including a
// CANCELled INVITE whose callee never sent its final response (§9.1): driven through a real
// transaction layer over a capturing "TCP" transport, with a T1 of 2 ms so 64*T1 is short.
#include "proxy.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <vector>

#include "sip/message_builder.hpp"
#include "sip/message_parser.hpp"
#include "sip/serializer.hpp"
#include "sip/transaction_layer.hpp"

namespace tandem::pbx {
namespace {

using namespace std::chrono_literals;
using sip::Message;

sip::PeerAddress at(uint16_t port) { return {boost::asio::ip::make_address("127.0.0.1"), port}; }

struct Capture final : sip::Transport {
  std::vector<Message> sent;
  sip::TransportKind kind() const override { return sip::TransportKind::kTcp; }
  sip::PeerAddress local_address() const override { return at(5070); }
  bool send(std::string_view bytes, const sip::Flow&) override {
    auto m = sip::parse_message(bytes, {}, sip::Framing::kStream);
    EXPECT_TRUE(m) << bytes;
    if (m) sent.push_back(std::move(*m));
    return true;
  }
  const Message* last(std::string_view what) const {  // a method, or a status as text
    for (auto it = sent.rbegin(); it != sent.rend(); ++it) {
      const std::string key = it->is_request() ? it->method() : std::to_string(it->status());
      if (key == what) return &*it;
    }
    return nullptr;
  }
};

// Every new request to one fixed callee, CANCEL to the proxy's CANCEL handling.
struct Dispatch final : sip::TransactionLayer::User {
  Proxy* proxy = nullptr;
  sip::Flow callee{sip::TransportKind::kTcp, at(40001), at(5070), 2};
  void on_request(sip::TransactionId id, const Message& request, const sip::Flow& flow) override {
    if (request.method() == "CANCEL") return proxy->cancel(id, request);
    proxy->route_to(id, request, flow, callee, request.request_uri());
  }
  void on_stray(const Message& m, const sip::Flow& flow) override { proxy->on_stray(m, flow); }
};

Message parse(const std::string& text) {
  auto m = sip::parse_message(text, {}, sip::Framing::kStream);
  EXPECT_TRUE(m) << text;
  return std::move(*m);
}

TEST(Proxy, FreesACancelledBranchWhoseCalleeNeverAnswers) {
  boost::asio::io_context io;
  sip::TimerConfig timers;
  timers.t1 = 2ms;
  sip::DigestServer auth{{"tandem.test", "secret", 300s, {sip::DigestAlgorithm::kMd5}}};
  Registrar registrar{auth, {}};
  Proxy proxy(io, registrar, ProxyOptions{timers, 60s});
  Dispatch dispatch;
  dispatch.proxy = &proxy;
  sip::TransactionLayer layer(io, dispatch, timers);
  Capture tcp;
  layer.add_transport(tcp);
  proxy.attach(layer);
  proxy.add_transport(tcp);
  const sip::Flow caller{sip::TransportKind::kTcp, at(40000), at(5070), 1};

  const std::string head =
      "Via: SIP/2.0/TCP 127.0.0.1:40000;branch=z9hG4bKcaller1\r\n"
      "From: <sip:a@tandem.test>;tag=fa\r\nTo: <sip:b@tandem.test>\r\nCall-ID: leak-1\r\n";
  layer.on_message(parse("INVITE sip:b@127.0.0.1:40001;transport=tcp SIP/2.0\r\n" + head +
                         "CSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"),
                   caller);
  const Message* forwarded = tcp.last("INVITE");
  ASSERT_NE(forwarded, nullptr);
  EXPECT_EQ(proxy.active_contexts(), 1u);
  // The callee rings, then goes silent for good.
  Message ringing = sip::make_response(*forwarded, 180, {}, "callee");
  layer.on_message(ringing, dispatch.callee);
  ASSERT_NE(tcp.last("180"), nullptr);
  layer.on_message(parse("CANCEL sip:b@127.0.0.1:40001;transport=tcp SIP/2.0\r\n" + head +
                         "CSeq: 1 CANCEL\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"),
                   caller);
  ASSERT_NE(tcp.last("487"), nullptr);     // the caller is answered at once
  ASSERT_NE(tcp.last("CANCEL"), nullptr);  // and the callee's branch cancelled
  EXPECT_EQ(layer.client_count(), 2u);     // INVITE (Proceeding) and CANCEL
  EXPECT_EQ(proxy.active_contexts(), 1u);

  // CANCEL's Timer F and the INVITE's §9.1 bound are both 64*T1 = 128 ms.
  for (int i = 0; i < 100 && (layer.client_count() > 0 || proxy.active_contexts() > 0); ++i) {
    io.run_for(10ms);
  }
  EXPECT_EQ(layer.client_count(), 0u);
  EXPECT_EQ(proxy.active_contexts(), 0u);
}

}  // namespace
}  // namespace tandem::pbx
