#include "sip/listen_spec.hpp"

#include <gtest/gtest.h>

namespace tandem::sip {
namespace {

const std::vector<TransportKind> kAll{TransportKind::kUdp, TransportKind::kTcp, TransportKind::kTls,
                                      TransportKind::kWs, TransportKind::kWss};

TEST(ListenSpec, ParsesEveryTransportAndBothFamilies) {
  auto udp = parse_listen_spec("udp:127.0.0.1:5070", "--listen", kAll);
  ASSERT_TRUE(udp);
  EXPECT_EQ(udp->kind, TransportKind::kUdp);
  EXPECT_EQ(udp->address.to_string(), "127.0.0.1:5070");
  auto tcp = parse_listen_spec("tcp:[::1]:0", "--listen", kAll);
  ASSERT_TRUE(tcp);
  EXPECT_EQ(tcp->kind, TransportKind::kTcp);
  EXPECT_EQ(tcp->address.to_string(), "[::1]:0");
  auto wss = parse_listen_spec("wss:0.0.0.0:8443", "--listen", kAll);
  ASSERT_TRUE(wss);
  EXPECT_EQ(wss->kind, TransportKind::kWss);
}

TEST(ListenSpec, ClearErrorsNamingTheFlag) {
  const std::vector<TransportKind> ua{TransportKind::kUdp, TransportKind::kTcp,
                                      TransportKind::kTls};
  auto error = [&](const char* text) {
    auto r = parse_listen_spec(text, "--local", ua);
    EXPECT_FALSE(r) << text;
    return r ? std::string() : r.error().reason;
  };
  EXPECT_EQ(error("udp"),
            "--local 'udp': expected TRANSPORT:ADDRESS:PORT (udp, tcp, tls), e.g. "
            "udp:127.0.0.1:5070");
  EXPECT_EQ(error("udp:host.example:5060"), "--local 'udp:host.example:5060': bad address or port");
  EXPECT_EQ(error("udp:127.0.0.1:70000"), "--local 'udp:127.0.0.1:70000': bad address or port");
  EXPECT_EQ(error("udp:127.0.0.1:"), "--local 'udp:127.0.0.1:': bad address or port");
  EXPECT_EQ(error("ws:127.0.0.1:80"),
            "--local 'ws:127.0.0.1:80': transport must be one of udp, tcp, tls");
  EXPECT_EQ(error("sctp:127.0.0.1:5060"),
            "--local 'sctp:127.0.0.1:5060': transport must be one of udp, tcp, tls");
}

}  // namespace
}  // namespace tandem::sip
