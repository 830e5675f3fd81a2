#include "sip/serializer.hpp"

#include <gtest/gtest.h>

#include "sip/message_parser.hpp"
#include "sip_test_util.hpp"

namespace tandem::sip {
namespace {

using test::crlf;

TEST(Serializer, BuiltMessageUsesCanonicalNamesAndTheRealContentLength) {
  auto uri = parse_uri("sip:bob@biloxi.example.com");
  ASSERT_TRUE(uri.ok());
  Message m = Message::request("MESSAGE", *uri);
  m.add(HeaderId::kVia, "SIP/2.0/UDP a.example.com;branch=z9hG4bK1");
  m.add("f", "<sip:alice@a.example.com>;tag=1");
  m.add(HeaderId::kTo, "<sip:bob@biloxi.example.com>");
  m.add("call-id", "abc");
  m.add(HeaderId::kCSeq, "1 MESSAGE");
  m.add(HeaderId::kContentLength, "999");  // stale value: replaced by the real length
  m.add("X-Trace", "keep me");
  m.set_body("hi");
  EXPECT_EQ(serialize(m),
            "MESSAGE sip:bob@biloxi.example.com SIP/2.0\r\n"
            "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
            "From: <sip:alice@a.example.com>;tag=1\r\n"
            "To: <sip:bob@biloxi.example.com>\r\n"
            "Call-ID: abc\r\n"
            "CSeq: 1 MESSAGE\r\n"
            "X-Trace: keep me\r\n"
            "Content-Length: 2\r\n"
            "\r\n"
            "hi");
}

TEST(Serializer, ResponseStartLine) {
  Message m = Message::response(486, std::string(default_reason(486)));
  EXPECT_EQ(serialize(m), "SIP/2.0 486 Busy Here\r\nContent-Length: 0\r\n\r\n");
}

TEST(Serializer, ParsedMessageReserializesToAnEquivalentMessage) {
  const std::string wire = crlf(
      "INVITE SIP:bob@Biloxi.example.com;transport=tcp SIP/2.0\n"
      "v: SIP/2.0/TCP h:5060;branch=z9hG4bK1, SIP/2.0/UDP p;branch=z9hG4bK2\n"
      "f: \"A\" <sip:a@h>;tag=1\n"
      "t: <sip:b@h>\n"
      "i: call-1\n"
      "CSEQ: 7 INVITE\n"
      "m: <sip:a@h;transport=tcp>\n"
      "X-Folded: one\n two\n"
      "c: application/sdp\n"
      "l: 5\n"
      "\n"
      "v=0\n");
  auto first = parse_message(wire, {}, Framing::kStream);
  ASSERT_TRUE(first.ok()) << first.error().describe();
  const std::string out = serialize(*first);
  EXPECT_NE(out.find("Via: SIP/2.0/TCP h:5060;branch=z9hG4bK1, SIP/2.0/UDP p;branch=z9hG4bK2\r\n"),
            std::string::npos);
  EXPECT_NE(out.find("\r\nCSeq: 7 INVITE\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\nX-Folded: one two\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\nContent-Length: 5\r\n\r\nv=0\r\n"), std::string::npos);
  auto second = parse_message(out, {}, Framing::kStream);
  ASSERT_TRUE(second.ok()) << second.error().describe();
  EXPECT_EQ(serialize(*second), out);  // serialize(parse(x)) is a fixed point
  EXPECT_TRUE(equivalent(first->request_uri(), second->request_uri()));
  EXPECT_EQ(second->headers().size(), first->headers().size());
}

TEST(Serializer, EditingHeadersKeepsOrder) {
  auto m = parse_message(
      crlf("SIP/2.0 200 OK\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
           "To: <sip:b@h>;tag=2\nCall-ID: c\nCSeq: 1 INVITE\nServer: x\n\n"));
  ASSERT_TRUE(m.ok());
  m->prepend(HeaderId::kVia, "SIP/2.0/UDP first;branch=z9hG4bK0");
  m->set(HeaderId::kServer, "Tandem");
  EXPECT_EQ(m->remove(HeaderId::kCallId), 1u);
  EXPECT_EQ(m->values(HeaderId::kVia).front(), "SIP/2.0/UDP first;branch=z9hG4bK0");
  const std::string out = serialize(*m);
  EXPECT_EQ(out.find("Call-ID"), std::string::npos);
  EXPECT_NE(out.find("Server: Tandem\r\n"), std::string::npos);
}

}  // namespace
}  // namespace tandem::sip

namespace tandem::sip {
namespace {

TEST(Serializer, CopiedMessagesOwnTheirText) {
  std::optional<Message> original =
      parse_message(
          test::crlf(
              "OPTIONS sip:h SIP/2.0\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
              "To: <sip:b@h>\nCall-ID: c\nCSeq: 1 OPTIONS\nSubject: folded\n value\n\n"))
          .value();
  const Message copy = *original;
  const std::string expected = serialize(*original);
  original.reset();  // the copy must not point into the original's storage
  EXPECT_EQ(serialize(copy), expected);
  Message assigned;
  assigned = copy;
  EXPECT_EQ(serialize(assigned), expected);
}

}  // namespace
}  // namespace tandem::sip
