#include "sip/message_parser.hpp"

#include <gtest/gtest.h>

#include "sip_test_util.hpp"

namespace tandem::sip {
namespace {

using test::crlf;

const std::string kInvite = crlf(
    "INVITE sip:bob@biloxi.example.com SIP/2.0\n"
    "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\n"
    "Max-Forwards: 70\n"
    "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
    "To: Bob <sip:bob@biloxi.example.com>\n"
    "Call-ID: 3848276298220188511@atlanta.example.com\n"
    "CSeq: 1 INVITE\n"
    "Contact: <sip:alice@client.atlanta.example.com;transport=tcp>\n"
    "Content-Type: application/sdp\n"
    "Content-Length: 10\n"
    "\n"
    "v=0\no=x\n");

TEST(MessageParser, ParsesARequestWithTypedHeaders) {
  auto m = parse_message(kInvite);
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_TRUE(m->is_request());
  EXPECT_EQ(m->method(), "INVITE");
  EXPECT_EQ(m->request_uri().user, "bob");
  EXPECT_EQ(m->top_via()->transport, "TCP");
  EXPECT_EQ(m->top_via()->branch(), "z9hG4bK74bf9");
  EXPECT_EQ(*m->max_forwards(), 70u);
  EXPECT_EQ(m->from()->tag(), "9fxced76sl");
  EXPECT_EQ(m->to()->tag(), "");
  EXPECT_EQ(*m->call_id(), "3848276298220188511@atlanta.example.com");
  EXPECT_EQ(m->cseq()->number, 1u);
  EXPECT_EQ(m->contacts()->contacts.at(0).uri.transport(), "tcp");
  EXPECT_EQ(m->body(), "v=0\r\no=x\r\n");
  EXPECT_EQ(m->headers().size(), 9u);
  EXPECT_EQ(m->headers()[1].line, 3u);
  EXPECT_EQ(m->headers()[1].column, 15u);
}

TEST(MessageParser, ParsesAResponseWithEmptyReasonPhrase) {
  auto m =
      parse_message(crlf("SIP/2.0 100 \n"
                         "Via: SIP/2.0/UDP h;branch=z9hG4bK1\n"
                         "From: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: c\nCSeq: 1 INVITE\n\n"));
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_FALSE(m->is_request());
  EXPECT_EQ(m->status(), 100);
  EXPECT_EQ(m->reason(), "");
}

TEST(MessageParser, ListHeadersMergeAcrossLinesInOrder) {
  auto m =
      parse_message(crlf("SIP/2.0 200 OK\n"
                         "Via: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2\n"
                         "v: SIP/2.0/UDP c;branch=z9hG4bK3\n"
                         "Record-Route: <sip:p1;lr>, <sip:p2;lr>\n"
                         "Record-Route: <sip:p3;lr>\n"
                         "From: <sip:a@h>;tag=1\nTo: <sip:b@h>;tag=2\nCall-ID: c\nCSeq: 1 INVITE\n"
                         "Supported: replaces, timer\nSupported: 100rel\n\n"));
  ASSERT_TRUE(m.ok()) << m.error().describe();
  auto vias = m->vias();
  ASSERT_TRUE(vias.ok());
  ASSERT_EQ(vias->size(), 3u);
  EXPECT_EQ((*vias)[2].host, "c");
  auto rr = m->record_routes();
  ASSERT_TRUE(rr.ok());
  ASSERT_EQ(rr->size(), 3u);
  EXPECT_EQ((*rr)[1].uri.host, "p2");
  const std::vector<std::string_view> supported = {"replaces", "timer", "100rel"};
  EXPECT_EQ(m->values(HeaderId::kSupported), supported);
}

TEST(MessageParser, UnknownHeadersAreKeptVerbatim) {
  auto m = parse_message(crlf(
      "OPTIONS sip:h SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
      "To: <sip:h>\nCall-ID: c\nCSeq: 1 OPTIONS\nX-Weird_Header.~!: some, \"value\" <here>\n\n"));
  ASSERT_TRUE(m.ok()) << m.error().describe();
  const Header* h = m->find("x-weird_header.~!");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->name, "X-Weird_Header.~!");
  EXPECT_EQ(h->value, "some, \"value\" <here>");
}

TEST(MessageParser, UnfoldsContinuationLines) {
  auto m = parse_message(
      crlf("OPTIONS sip:h SIP/2.0\nVia: SIP/2.0/UDP h\n  ;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
           "To: <sip:h>\nCall-ID: c\nCSeq: 1\n\t OPTIONS\nSubject: one\n two\n\tthree\n\n"));
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_EQ(m->find(HeaderId::kSubject)->value, "one two three");
  EXPECT_EQ(m->cseq()->method, "OPTIONS");
  EXPECT_EQ(m->top_via()->branch(), "z9hG4bK1");
}

TEST(MessageParser, ToleratesLfOnlyLineEndingsAndLeadingCrlf) {
  auto m = parse_message(
      "\r\n\r\nBYE sip:h SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
      "To: <sip:h>;tag=2\nCall-ID: c\nCSeq: 2 BYE\n\n");
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_EQ(m->method(), "BYE");
}

TEST(MessageParser, DatagramBodyWithoutContentLengthIsTheRest) {
  auto m = parse_message(
      crlf("MESSAGE sip:h SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
           "To: <sip:h>\nCall-ID: c\nCSeq: 1 MESSAGE\n\nhello"));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->body(), "hello");
}

TEST(MessageParser, DatagramBytesBeyondContentLengthAreDiscarded) {
  auto m = parse_message(
      crlf("MESSAGE sip:h SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
           "To: <sip:h>\nCall-ID: c\nCSeq: 1 MESSAGE\nl: 3\n\nhello"));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->body(), "hel");
}

TEST(MessageParser, StreamFramingRequiresAnExactContentLength) {
  const std::string head = crlf(
      "MESSAGE sip:h SIP/2.0\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
      "To: <sip:h>\nCall-ID: c\nCSeq: 1 MESSAGE\n");
  auto missing = parse_message(head + "\r\nhello", {}, Framing::kStream);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().reason.find("missing Content-Length"), std::string::npos);
  auto exact = parse_message(head + "Content-Length: 5\r\n\r\nhello", {}, Framing::kStream);
  EXPECT_TRUE(exact.ok());
  auto extra = parse_message(head + "Content-Length: 4\r\n\r\nhello", {}, Framing::kStream);
  EXPECT_FALSE(extra.ok());
}

TEST(MessageParser, LimitsAreEnforcedWithTheRightStatus) {
  ParserLimits small;
  small.max_message_size = 100;
  auto big = parse_message(kInvite, small);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().status, 513);

  ParserLimits few;
  few.max_headers = 5;
  auto many = parse_message(kInvite, few);
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.error().line, 7u);
  EXPECT_NE(many.error().reason.find("more than 5 header lines"), std::string::npos);

  ParserLimits narrow;
  narrow.max_line_length = 40;
  auto longline = parse_message(kInvite, narrow);
  ASSERT_FALSE(longline.ok());
  EXPECT_EQ(longline.error().line, 1u);
}

TEST(MessageParser, ErrorsCarryLineColumnAndReason) {
  auto m = parse_message(
      crlf("INVITE sip:bob@h SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
           "To: <sip:b@h>\nCall-ID: c\nCSeq: 1 INVITE\nContact: <sip:a@h>, <sip:bad host>\n\n"));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().line, 7u);
  EXPECT_EQ(m.error().column, 26u);
  EXPECT_EQ(m.error().describe(),
            "line 7, column 26: bad Contact header: malformed host 'bad host'");
}

TEST(MessageParser, MissingMandatoryHeaderPointsAtTheStartLine) {
  auto m = parse_message(
      crlf("\nINVITE sip:bob@h SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
           "To: <sip:b@h>\nCSeq: 1 INVITE\n\n"));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().describe(), "line 2, column 1: missing Call-ID header");
}

TEST(MessageParser, NeverThrowsOnTruncations) {
  for (size_t n = 0; n < kInvite.size(); ++n) {
    auto m = parse_message(std::string_view(kInvite).substr(0, n));
    if (n < kInvite.size() - 10) {
      EXPECT_FALSE(m.ok()) << n;
    }
  }
}

}  // namespace
}  // namespace tandem::sip
