// Recording transaction users and message factories for transaction tests.
#pragma once

#include <string>
#include <vector>

#include "sip/message_parser.hpp"
#include "sip/transaction_common.hpp"
#include "sip_test_util.hpp"

namespace tandem::sip::test {

inline Message request(const std::string& method, const std::string& branch = "z9hG4bKabc") {
  auto m = parse_message(crlf(method +
                              " sip:bob@biloxi.example.com SIP/2.0\n"
                              "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=" +
                              branch +
                              "\n"
                              "Max-Forwards: 70\n"
                              "Route: <sip:proxy.example.com;lr>\n"
                              "From: <sip:alice@atlanta.example.com>;tag=1928301774\n"
                              "To: <sip:bob@biloxi.example.com>\n"
                              "Call-ID: a84b4c76e66710\n"
                              "CSeq: 314159 " +
                              method + "\n\n"));
  return std::move(*m);
}

inline Message response_to(const Message& req, int status) {
  auto cseq = req.cseq();
  auto m = parse_message(crlf("SIP/2.0 " + std::to_string(status) +
                              " Whatever\n"
                              "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKabc\n"
                              "From: <sip:alice@atlanta.example.com>;tag=1928301774\n"
                              "To: <sip:bob@biloxi.example.com>;tag=314\n"
                              "Call-ID: a84b4c76e66710\n"
                              "CSeq: " +
                              cseq->to_string() + "\n\n"));
  return std::move(*m);
}

// Summarises what the transaction did: "send INVITE", "send ACK", "send 486", "tu 180",
// "timeout", "transport-error", "ack".
struct Recorder : ClientTransactionUser, ServerTransactionUser {
  std::vector<std::string> events;

  static std::string describe(const Message& m) {
    return m.is_request() ? m.method() : std::to_string(m.status());
  }
  void send(const Message& m) override { events.push_back("send " + describe(m)); }
  void on_response(const Message& m) override { events.push_back("tu " + describe(m)); }
  void on_ack(const Message&) override { events.push_back("ack"); }
  void on_timeout() override { events.push_back("timeout"); }
  void on_transport_error() override { events.push_back("transport-error"); }

  std::vector<std::string> take() { return std::exchange(events, {}); }
};

using Events = std::vector<std::string>;

}  // namespace tandem::sip::test
