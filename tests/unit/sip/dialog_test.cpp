// Dialog state rules without any transport: creation on both sides, CSeq ordering, target
// refresh, and confirmation of an early dialog by a 2xx with a different route set.
#include "sip/dialog.hpp"

#include <gtest/gtest.h>

#include "sip/message_parser.hpp"
#include "sip_test_util.hpp"

namespace tandem::sip::test {
namespace {

Message parse(const std::string& text) {
  auto m = parse_message(crlf(text));
  EXPECT_TRUE(m) << (m ? "" : m.error().reason);
  return std::move(*m);
}

const char* kInvite =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\n"
    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa\n"
    "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\n"
    "From: Alice <sip:alice@atlanta.example.com>;tag=a1\n"
    "To: <sip:bob@biloxi.example.com>\n"
    "Call-ID: c1\n"
    "CSeq: 5 INVITE\n"
    "Contact: <sip:alice@192.0.2.1>\n\n";

TEST(DialogTest, UasDialogFromRequest) {
  Message invite = parse(kInvite);
  auto d = Dialog::as_uas(invite, "b1", *parse_uri("sip:bob@192.0.2.2"), true);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->id(), (DialogId{"c1", "b1", "a1"}));
  EXPECT_EQ(d->state(), DialogState::kEarly);
  EXPECT_EQ(d->remote_target().to_string(), "sip:alice@192.0.2.1");
  ASSERT_EQ(d->route_set().size(), 2u);
  EXPECT_EQ(d->route_set()[0].uri.host, "p1.example.com");
  EXPECT_EQ(d->remote_cseq(), 5u);
  EXPECT_EQ(d->local_cseq(), 0u);
  Message bye = d->make_request("BYE");
  EXPECT_EQ(bye.cseq()->to_string(), "1 BYE");
  EXPECT_EQ(bye.to()->tag(), "a1");
  EXPECT_EQ(bye.from()->tag(), "b1");
  EXPECT_EQ(bye.to()->display_name, "Alice");
  EXPECT_FALSE(bye.has(HeaderId::kContact));
  EXPECT_TRUE(d->make_request("UPDATE").has(HeaderId::kContact));
}

TEST(DialogTest, RemoteCSeqOrdering) {
  auto d = Dialog::as_uas(parse(kInvite), "b1", *parse_uri("sip:bob@192.0.2.2"), false);
  ASSERT_TRUE(d);
  auto request = [](const std::string& method, int cseq) {
    Message m = Message::request(method, *parse_uri("sip:bob@192.0.2.2"));
    m.add(HeaderId::kCSeq, std::to_string(cseq) + " " + method);
    return m;
  };
  EXPECT_TRUE(d->accept_remote_cseq(request("ACK", 5)));    // same number as its INVITE
  EXPECT_FALSE(d->accept_remote_cseq(request("INFO", 5)));  // not higher
  EXPECT_FALSE(d->accept_remote_cseq(request("INFO", 4)));
  EXPECT_TRUE(d->accept_remote_cseq(request("INFO", 9)));  // gaps are fine
  EXPECT_EQ(d->remote_cseq(), 9u);
}

TEST(DialogTest, UacDialogNeedsTagAndContactAndConfirmsWithNewRouteSet) {
  Message invite = parse(kInvite);
  Message no_tag = parse(
      "SIP/2.0 180 Ringing\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa\n"
      "From: <sip:alice@atlanta.example.com>;tag=a1\nTo: <sip:bob@biloxi.example.com>\n"
      "Call-ID: c1\nCSeq: 5 INVITE\nContact: <sip:bob@192.0.2.2>\n\n");
  EXPECT_FALSE(Dialog::as_uac(invite, no_tag));
  Message early = parse(
      "SIP/2.0 180 Ringing\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa\n"
      "Record-Route: <sip:p2.example.com;lr>\n"
      "From: <sip:alice@atlanta.example.com>;tag=a1\nTo: <sip:bob@biloxi.example.com>;tag=b1\n"
      "Call-ID: c1\nCSeq: 5 INVITE\nContact: <sip:bob@192.0.2.2>\n\n");
  auto d = Dialog::as_uac(invite, early);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->state(), DialogState::kEarly);
  EXPECT_EQ(d->local_cseq(), 5u);
  EXPECT_EQ(d->next_hop_uri().host, "p2.example.com");
  Message ok = parse(
      "SIP/2.0 200 OK\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa\n"
      "Record-Route: <sip:p2.example.com;lr>, <sip:p1.example.com;lr>\n"
      "From: <sip:alice@atlanta.example.com>;tag=a1\nTo: <sip:bob@biloxi.example.com>;tag=b1\n"
      "Call-ID: c1\nCSeq: 5 INVITE\nContact: <sip:bob@192.0.2.3>\n\n");
  ASSERT_TRUE(d->confirm_by_response(ok));
  EXPECT_EQ(d->state(), DialogState::kConfirmed);
  EXPECT_EQ(d->remote_target().host, "192.0.2.3");
  ASSERT_EQ(d->route_set().size(), 2u);
  EXPECT_EQ(d->route_set()[0].uri.host, "p1.example.com");  // reversed
  Message ack = d->make_ack(5);
  EXPECT_EQ(ack.cseq()->to_string(), "5 ACK");
  EXPECT_EQ(d->local_cseq(), 5u);  // ACK takes no new number
  EXPECT_EQ(d->make_request("BYE").cseq()->to_string(), "6 BYE");
}

TEST(DialogTest, TargetRefreshIgnoresMessagesWithoutContact) {
  auto d = Dialog::as_uas(parse(kInvite), "b1", *parse_uri("sip:bob@192.0.2.2"), false);
  ASSERT_TRUE(d);
  Message update = Message::request("UPDATE", *parse_uri("sip:bob@192.0.2.2"));
  d->refresh_target(update);
  EXPECT_EQ(d->remote_target().host, "192.0.2.1");
  update.add(HeaderId::kContact, "<sip:alice@198.51.100.7:5070>");
  d->refresh_target(update);
  EXPECT_EQ(d->remote_target().to_string(), "sip:alice@198.51.100.7:5070");
}

TEST(DialogTest, MissingFieldsAreErrors) {
  Message bare = Message::request("INVITE", *parse_uri("sip:bob@192.0.2.2"));
  EXPECT_FALSE(Dialog::as_uas(bare, "b1", *parse_uri("sip:bob@192.0.2.2"), false));
  EXPECT_FALSE(dialog_id_of_received_request(bare));
}

}  // namespace
}  // namespace tandem::sip::test
