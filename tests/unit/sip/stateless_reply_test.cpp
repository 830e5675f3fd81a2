#include "sip/stateless_reply.hpp"

#include <gtest/gtest.h>

#include "sip/message_parser.hpp"
#include "sip_test_util.hpp"

namespace tandem::sip {
namespace {

using test::crlf;

const std::string kBadCSeq = crlf(
    "INVITE sip:bob@h SIP/2.0\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1\n"
    "v: SIP/2.0/UDP proxy;branch=z9hG4bK-0\n"
    "f: <sip:a@h>;tag=1\n"
    "To: <sip:bob@h>\n"
    "i: abc\n"
    "CSeq: 1 BYE\n\n");

TEST(StatelessErrorResponse, EchoesWhatTheSenderMatchesOnAndSaysWhy) {
  auto parsed = parse_message(kBadCSeq);
  ASSERT_FALSE(parsed.ok());
  auto reply = stateless_error_response(kBadCSeq, parsed.error());
  ASSERT_TRUE(reply);
  auto response = parse_message(*reply);
  ASSERT_TRUE(response.ok()) << response.error().describe() << "\n" << *reply;
  EXPECT_EQ(response->status(), 400);
  EXPECT_NE(response->reason().find("CSeq method 'BYE' does not match request method 'INVITE'"),
            std::string::npos)
      << response->reason();
  EXPECT_EQ(response->vias()->size(), 2u);
  EXPECT_EQ(response->top_via()->branch(), "z9hG4bK-1");
  EXPECT_EQ(*response->call_id(), "abc");
  EXPECT_FALSE(response->to()->tag().empty());
  EXPECT_EQ(response->cseq()->to_string(), "1 BYE");
}

TEST(StatelessErrorResponse, UsesTheErrorStatus) {
  const std::string bad = crlf(
      "OPTIONS sip:h SIP/3.0\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
      "To: <sip:h>;tag=9\nCall-ID: c\nCSeq: 1 OPTIONS\n\n");
  auto parsed = parse_message(bad);
  ASSERT_FALSE(parsed.ok());
  auto reply = stateless_error_response(bad, parsed.error());
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->rfind("SIP/2.0 505 Version Not Supported (", 0), 0u) << *reply;
  EXPECT_NE(reply->find("To: <sip:h>;tag=9\r\n"), std::string::npos);  // tag kept, not doubled
}

TEST(StatelessErrorResponse, DropsWhatCannotBeAnswered) {
  const Error e{"x", 1, 1};
  EXPECT_FALSE(stateless_error_response("", e));
  EXPECT_FALSE(stateless_error_response("garbage", e));
  EXPECT_FALSE(stateless_error_response(crlf("SIP/2.0 200 OK\nVia: x\n\n"), e));  // a response
  EXPECT_FALSE(stateless_error_response(
      crlf("ACK sip:h SIP/2.0\nVia: SIP/2.0/UDP a\nFrom: a\nTo: b\nCall-ID: c\nCSeq: 1 ACK\n\n"),
      e));
  EXPECT_FALSE(stateless_error_response(crlf("OPTIONS sip:h SIP/2.0\nVia: SIP/2.0/UDP a\n\n"), e));
}

TEST(StampTopVia, AddsReceivedAndRport) {
  auto m = parse_message(
      crlf("OPTIONS sip:h SIP/2.0\nVia: SIP/2.0/UDP client.invalid:5070;branch=z9hG4bK1;rport, "
           "SIP/2.0/UDP second;branch=z9hG4bK0\nFrom: <sip:a@h>;tag=1\nTo: <sip:h>\nCall-ID: c\n"
           "CSeq: 1 OPTIONS\n\n"));
  ASSERT_TRUE(m.ok());
  stamp_top_via(*m, "192.0.2.7", 40000);
  EXPECT_EQ(m->find(HeaderId::kVia)->value,
            "SIP/2.0/UDP client.invalid:5070;branch=z9hG4bK1;rport=40000;received=192.0.2.7, "
            "SIP/2.0/UDP second;branch=z9hG4bK0");
  auto target = response_target(*m);
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->host, "192.0.2.7");
  EXPECT_EQ(target->port, 40000);
}

TEST(StampTopVia, LeavesAMatchingSentByAlone) {
  auto m =
      parse_message(crlf("OPTIONS sip:h SIP/2.0\nVia: SIP/2.0/UDP "
                         "127.0.0.1:5070;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
                         "To: <sip:h>\nCall-ID: c\nCSeq: 1 OPTIONS\n\n"));
  ASSERT_TRUE(m.ok());
  stamp_top_via(*m, "127.0.0.1", 5070);
  EXPECT_EQ(m->find(HeaderId::kVia)->value, "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1");
  EXPECT_EQ(response_target(*m)->port, 5070);
  stamp_top_via(*m, "127.0.0.2", 5070);
  EXPECT_EQ(response_target(*m)->host, "127.0.0.2");
}

TEST(ResponseTarget, MaddrWinsAndPortDefaultsTo5060) {
  auto m = parse_message(crlf(
      "SIP/2.0 200 OK\nVia: SIP/2.0/UDP h;branch=z9hG4bK1;maddr=239.1.1.1\nFrom: <sip:a@h>;tag=1\n"
      "To: <sip:h>;tag=2\nCall-ID: c\nCSeq: 1 OPTIONS\n\n"));
  ASSERT_TRUE(m.ok());
  auto target = response_target(*m);
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->host, "239.1.1.1");
  EXPECT_EQ(target->port, 5060);
}

}  // namespace
}  // namespace tandem::sip
