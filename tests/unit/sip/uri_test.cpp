#include "sip/uri.hpp"

#include <gtest/gtest.h>

namespace tandem::sip {
namespace {

TEST(Uri, ParsesEveryComponentOfASipUri) {
  auto uri = parse_uri("sips:alice:secret@Atlanta.Example.com:5061;transport=tcp;lr?subject=hi&x=");
  ASSERT_TRUE(uri.ok()) << uri.error().describe();
  EXPECT_EQ(uri->scheme, Uri::Scheme::kSips);
  EXPECT_EQ(uri->user, "alice");
  EXPECT_EQ(uri->password, "secret");
  EXPECT_EQ(uri->host, "Atlanta.Example.com");
  EXPECT_EQ(uri->port, 5061);
  EXPECT_EQ(uri->transport(), "tcp");
  EXPECT_TRUE(uri->params.has("lr"));
  EXPECT_FALSE(uri->params.value("lr"));
  ASSERT_EQ(uri->headers.size(), 2u);
  EXPECT_EQ(uri->headers[0], (std::pair<std::string, std::string>{"subject", "hi"}));
  EXPECT_EQ(uri->headers[1].second, "");
}

struct ValidCase {
  const char* text;
  const char* user;
  const char* host;
  int port;  // -1 when absent
};

class ValidUri : public ::testing::TestWithParam<ValidCase> {};

TEST_P(ValidUri, ParsesAndRoundTrips) {
  const ValidCase& c = GetParam();
  auto uri = parse_uri(c.text);
  ASSERT_TRUE(uri.ok()) << c.text << ": " << uri.error().describe();
  EXPECT_EQ(uri->user, c.user);
  EXPECT_EQ(uri->host, c.host);
  EXPECT_EQ(uri->port ? *uri->port : -1, c.port);
  EXPECT_EQ(uri->to_string(), c.text);  // escaping preserved for output
}

INSTANTIATE_TEST_SUITE_P(
    Table, ValidUri,
    ::testing::Values(ValidCase{"sip:example.com", "", "example.com", -1},
                      ValidCase{"sip:alice@192.0.2.4", "alice", "192.0.2.4", -1},
                      ValidCase{"sip:alice@[2001:db8::10]:5070", "alice", "[2001:db8::10]", 5070},
                      ValidCase{"sip:[::1]", "", "[::1]", -1},
                      ValidCase{"sip:%61lice@example.com", "%61lice", "example.com", -1},
                      // RFC 4475 semiuri: ';' and an escaped '@' belong to the user part
                      ValidCase{"sip:user;par=u%40example.net@example.com",
                                "user;par=u%40example.net", "example.com", -1},
                      ValidCase{"sip:+1-212-555-1212:1234@gateway.com;user=phone",
                                "+1-212-555-1212", "gateway.com", -1},
                      ValidCase{"sip:1001@tandem.invalid;transport=ws", "1001", "tandem.invalid",
                                -1},
                      ValidCase{"sip:!~*'()&=+$,;?/@h", "!~*'()&=+$,;?/", "h", -1}));

TEST(Uri, LeadingZerosInThePortAreDroppedOnOutput) {
  auto uri = parse_uri("sip:a@h:0065");
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(uri->port, 65);
}

TEST(Uri, TelUri) {
  auto uri = parse_uri("tel:+1-201-555-0123;phone-context=example.com");
  ASSERT_TRUE(uri.ok()) << uri.error().describe();
  EXPECT_EQ(uri->scheme, Uri::Scheme::kTel);
  EXPECT_EQ(uri->user, "+1-201-555-0123");
  EXPECT_EQ(uri->params.value("phone-context"), "example.com");
  EXPECT_EQ(uri->to_string(), "tel:+1-201-555-0123;phone-context=example.com");
}

TEST(Uri, OtherSchemesAreKeptOpaque) {
  for (const char* text :
       {"urn:service:sos", "isbn:2983792873", "http://example.com/a?b=c", "unknownscheme:foo"}) {
    auto uri = parse_uri(text);
    ASSERT_TRUE(uri.ok()) << text;
    EXPECT_EQ(uri->scheme, Uri::Scheme::kOther);
    EXPECT_EQ(uri->to_string(), text);
  }
}

struct InvalidCase {
  const char* text;
  uint32_t column;
  const char* reason;
};

class InvalidUri : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidUri, IsRejectedWithPositionAndReason) {
  const InvalidCase& c = GetParam();
  auto uri = parse_uri(c.text);
  ASSERT_FALSE(uri.ok()) << c.text;
  EXPECT_EQ(uri.error().column, c.column) << c.text << ": " << uri.error().reason;
  EXPECT_NE(uri.error().reason.find(c.reason), std::string::npos) << uri.error().reason;
}

INSTANTIATE_TEST_SUITE_P(
    Table, InvalidUri,
    ::testing::Values(
        InvalidCase{"", 1, "scheme"}, InvalidCase{"example.com", 1, "scheme"},
        InvalidCase{"1sip:a@b", 1, "scheme"}, InvalidCase{"sip:", 5, "malformed host"},
        InvalidCase{"sip:@example.com", 5, "empty user"},
        InvalidCase{"sip:a b@example.com", 6, "user part"},
        InvalidCase{"sip:alice@exa mple.com", 11, "malformed host"},
        InvalidCase{"sip:alice@example.com:99999", 23, "port"},
        InvalidCase{"sip:alice@example.com:", 23, "port"},
        InvalidCase{"sip:alice@[2001:db8::1", 11, "IPv6"},
        InvalidCase{"sip:alice@[zz::1]", 11, "IPv6"},
        InvalidCase{"sip:alice@h;=x", 13, "parameter name"},
        InvalidCase{"sip:alice@h;a=", 15, "value"}, InvalidCase{"sip:alice@h;a=<b>", 15, "value"},
        InvalidCase{"sip:alice@h?x", 13, "name=value"}, InvalidCase{"sip:%4@h", 5, "user part"},
        InvalidCase{"sip:alice@h>", 11, "malformed host"}, InvalidCase{"tel:", 5, "number"},
        InvalidCase{"tel:+1 555", 7, "tel number"},
        InvalidCase{"urn:<x>", 5, "invalid character"}));

bool equal(const char* a, const char* b) {
  auto ua = parse_uri(a);
  auto ub = parse_uri(b);
  EXPECT_TRUE(ua.ok() && ub.ok()) << a << " / " << b;
  return equivalent(*ua, *ub) && equivalent(*ub, *ua);
}

// RFC 3261 §19.1.4 examples.
TEST(UriComparison, Rfc3261EquivalentPairs) {
  EXPECT_TRUE(
      equal("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"));
  EXPECT_TRUE(equal("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"));
  EXPECT_TRUE(equal("sip:carol@chicago.com", "sip:carol@chicago.com;security=on"));
  EXPECT_TRUE(equal("sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"));
  EXPECT_TRUE(equal("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
                    "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"));
  EXPECT_TRUE(equal("sip:alice@atlanta.com?subject=project%20x&priority=urgent",
                    "sip:alice@atlanta.com?priority=urgent&subject=project%20x"));
}

TEST(UriComparison, Rfc3261NonEquivalentPairs) {
  EXPECT_FALSE(equal("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"));
  EXPECT_FALSE(equal("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"));
  EXPECT_FALSE(equal("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"));
  EXPECT_FALSE(equal("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"));
  EXPECT_FALSE(equal("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"));
  EXPECT_FALSE(equal("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"));
  EXPECT_FALSE(equal("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"));
  EXPECT_FALSE(equal("sip:alice@atlanta.com", "sips:alice@atlanta.com"));
  EXPECT_FALSE(equal("sip:alice:a@atlanta.com", "sip:alice:b@atlanta.com"));
}

TEST(UriComparison, EscapedReservedCharactersDifferFromLiteralOnes) {
  EXPECT_FALSE(equal("sip:a%3bb@h", "sip:a;b@h"));
  EXPECT_TRUE(equal("sip:a%3bb@h", "sip:a%3Bb@h"));
}

TEST(UriComparison, TelIgnoresVisualSeparators) {
  EXPECT_TRUE(equal("tel:+1-201-555-0123", "tel:+1.201.555.0123"));
  EXPECT_FALSE(equal("tel:+1-201-555-0123", "tel:+1-201-555-0124"));
  EXPECT_FALSE(equal("tel:+1-201-555-0123", "sip:+1-201-555-0123@h"));
}

TEST(HostPort, ParsesNamesAddressesAndPorts) {
  auto a = parse_host_port("[2001:db8::1]:5061");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "[2001:db8::1]");
  EXPECT_EQ(a->port, 5061);
  EXPECT_FALSE(parse_host_port("host:port").ok());
  EXPECT_FALSE(parse_host_port("host;x").ok());
}

}  // namespace
}  // namespace tandem::sip

namespace tandem::sip {
namespace {

TEST(UriView, SplitsWithoutCopying) {
  const std::string text = "sips:alice:pw@[2001:db8::1]:5061;transport=tcp;lr?subject=hi";
  auto view = parse_uri_view(text);
  ASSERT_TRUE(view.ok()) << view.error().describe();
  EXPECT_EQ(view->scheme, Uri::Scheme::kSips);
  EXPECT_EQ(view->user, "alice");
  EXPECT_EQ(view->password, "pw");
  EXPECT_EQ(view->host, "[2001:db8::1]");
  EXPECT_EQ(view->port, 5061);
  EXPECT_EQ(view->params, ";transport=tcp;lr");
  EXPECT_EQ(view->headers, "subject=hi");
  EXPECT_EQ(view->host.data(), text.data() + 14);  // a view of the input, not a copy
  EXPECT_EQ(to_uri(*view).to_string(), text);
}

// Found by fuzzing: a URI with a repeated parameter or header was not equivalent to itself.
TEST(UriComparison, EveryUriIsEquivalentToItself) {
  for (const char* text : {"sip:h;n%61me=v1;n%61me=v2", "sip:h?a=1&a=2", "tel:+1;a=1;a=2",
                           "sip:u@h;transport=tcp;transport=udp"}) {
    auto uri = parse_uri(text);
    ASSERT_TRUE(uri.ok()) << text;
    EXPECT_TRUE(equivalent(*uri, *uri)) << text;
  }
}

TEST(UriComparison, EscapedParameterNamesCompareUnescaped) {
  EXPECT_TRUE(equal("sip:h;tr%61nsport=tcp", "sip:h;transport=TCP"));
}

}  // namespace
}  // namespace tandem::sip
