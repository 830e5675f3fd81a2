#include "sip/name_addr.hpp"

#include <gtest/gtest.h>

namespace tandem::sip {
namespace {

TEST(NameAddr, QuotedDisplayNameWithEscapes) {
  auto na = parse_name_addr(R"("Alice \"Al\" A." <sip:alice@atlanta.com>;tag=1928301774)");
  ASSERT_TRUE(na.ok()) << na.error().describe();
  EXPECT_EQ(na->display_name, "Alice \"Al\" A.");
  EXPECT_EQ(na->uri.user, "alice");
  EXPECT_EQ(na->tag(), "1928301774");
}

TEST(NameAddr, TokenDisplayNameAndNoSpaceBeforeBracket) {
  auto na = parse_name_addr("Bob Smith<sip:bob@biloxi.com>");
  ASSERT_TRUE(na.ok()) << na.error().describe();
  EXPECT_EQ(na->display_name, "Bob Smith");
  EXPECT_EQ(na->tag(), "");
}

TEST(NameAddr, AddrSpecParametersBelongToTheHeader) {
  auto na = parse_name_addr("sip:carol@chicago.com;tag=abc;expires=60");
  ASSERT_TRUE(na.ok()) << na.error().describe();
  EXPECT_TRUE(na->uri.params.empty());
  EXPECT_EQ(na->tag(), "abc");
  EXPECT_EQ(contact_expires(*na), 60u);
}

TEST(NameAddr, BracketedUriKeepsItsOwnParameters) {
  auto na = parse_name_addr("<sip:p1.example.com;lr>;foo=bar");
  ASSERT_TRUE(na.ok());
  EXPECT_TRUE(na->uri.params.has("lr"));
  EXPECT_EQ(na->params.value("foo"), "bar");
}

TEST(NameAddr, OutboundContactParameters) {
  auto na = parse_name_addr(
      "<sip:1001@df7jal23ls0d.invalid;transport=ws;ob>;expires=600;q=0.7;reg-id=1;"
      "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\"");
  ASSERT_TRUE(na.ok()) << na.error().describe();
  EXPECT_EQ(contact_expires(*na), 600u);
  EXPECT_DOUBLE_EQ(*contact_q(*na), 0.7);
  EXPECT_EQ(contact_reg_id(*na), 1u);
  EXPECT_EQ(contact_instance(*na), "<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>");
}

TEST(NameAddr, ContactParameterEdgeCases) {
  auto na = parse_name_addr("<sip:a@b>;expires=99999999999;q=1.5;reg-id=x");
  ASSERT_TRUE(na.ok());
  EXPECT_EQ(contact_expires(*na), UINT32_MAX);
  EXPECT_FALSE(contact_q(*na));
  EXPECT_FALSE(contact_reg_id(*na));
}

TEST(NameAddr, ToStringQuotesDisplayNameAndUsesBrackets) {
  auto na = parse_name_addr("Bob <sip:bob@biloxi.com>;tag=x");
  ASSERT_TRUE(na.ok());
  EXPECT_EQ(na->to_string(), "\"Bob\" <sip:bob@biloxi.com>;tag=x");
  auto again = parse_name_addr(na->to_string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->display_name, "Bob");
}

TEST(NameAddr, NovelSchemesAreAccepted) {
  auto na = parse_name_addr("<isbn:2983792873>;tag=1");
  ASSERT_TRUE(na.ok());
  EXPECT_EQ(na->uri.scheme, Uri::Scheme::kOther);
}

TEST(NameAddr, RejectsMalformedValues) {
  for (const char* bad : {"", "\"unterminated <sip:a@b>", "<sip:a@b", "<sip:a@b >", "< sip:a@b>",
                          "Bell, Alexander <sip:a@b>", "\"x\" sip:a@b", "<sip:a@b>;tag",
                          "<sip:a@b>;=1", "<sip:a@b> junk", "<>", "<sip:a@b>;tag=\"x"}) {
    auto r = parse_name_addr(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
}

}  // namespace
}  // namespace tandem::sip

namespace tandem::sip {
namespace {

TEST(NameAddrView, KeepsRawPiecesAndFindsTheTag) {
  const std::string text = R"("A \"B\"" <sip:a@h;lr>;tag=xyz;expires=5)";
  auto view = parse_name_addr_view(text);
  ASSERT_TRUE(view.ok()) << view.error().describe();
  EXPECT_EQ(view->display_name, R"("A \"B\"")");
  EXPECT_EQ(view->uri.host, "h");
  EXPECT_EQ(view->uri.params, ";lr");
  EXPECT_EQ(view->params, ";tag=xyz;expires=5");
  EXPECT_EQ(view->tag, "xyz");
  const NameAddr owned = to_name_addr(*view);
  EXPECT_EQ(owned.display_name, "A \"B\"");
  EXPECT_EQ(owned.params.value("expires"), "5");
}

}  // namespace
}  // namespace tandem::sip
