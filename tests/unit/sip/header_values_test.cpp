#include "sip/header_values.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "sip/grammar.hpp"

namespace tandem::sip {
namespace {

// An input that must fail, and a fragment its error reason must contain.
struct BadCase {
  std::string_view input;
  std::string_view reason;
};

template <typename Parse>
void expect_errors(Parse parse, const std::vector<BadCase>& cases) {
  for (const BadCase& c : cases) {
    SCOPED_TRACE(std::string("input: ") + std::string(c.input));
    auto result = parse(c.input);
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().reason.find(c.reason), std::string::npos)
        << "reason was: " << result.error().reason;
  }
}

// parse(x.to_string()) == x, and to_string is stable.
template <typename Parse>
void expect_round_trips(Parse parse, const std::vector<std::string_view>& inputs) {
  for (std::string_view input : inputs) {
    SCOPED_TRACE(std::string("input: ") + std::string(input));
    auto first = parse(input);
    ASSERT_TRUE(first.ok()) << first.error().reason;
    const std::string text = first->to_string();
    auto second = parse(text);
    ASSERT_TRUE(second.ok()) << text << ": " << second.error().reason;
    EXPECT_TRUE(*first == *second) << text;
    EXPECT_EQ(second->to_string(), text);
  }
}

// ---- delta-seconds ----

TEST(DeltaSeconds, AcceptsDigitsWithLeadingZerosAndClampsLargeValues) {
  const struct {
    std::string_view input;
    uint32_t expected;
  } cases[] = {
      {"3600", 3600},
      {"0", 0},
      {"000070", 70},
      {" 60 ", 60},
      {"\t7", 7},
      {"4294967295", 4294967295u},
      {"4294967296", 4294967295u},
      {"99999999999999999999999999", 4294967295u},
  };
  for (const auto& c : cases) {
    auto result = parse_delta_seconds(c.input);
    ASSERT_TRUE(result.ok()) << c.input << ": " << result.error().reason;
    EXPECT_EQ(*result, c.expected) << c.input;
  }
}

TEST(DeltaSeconds, RejectsAnythingButDigits) {
  expect_errors(parse_delta_seconds, {
                                         {"", "found nothing"},
                                         {"   ", "found nothing"},
                                         {"abc", "expected delta-seconds (digits), found 'abc'"},
                                         {"-1", "expected delta-seconds"},
                                         {"+5", "expected delta-seconds"},
                                         {"12a", "unexpected 'a' after delta-seconds"},
                                         {"1 2", "unexpected '2'"},
                                         {"1.5", "unexpected '.5'"},
                                         {"0x10", "unexpected 'x10'"},
                                         {"3600;refresher=uac", "unexpected ';refresher=uac'"},
                                     });
}

TEST(DeltaSeconds, ErrorColumnPointsIntoTheValue) {
  auto result = parse_delta_seconds("12a");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().column, 3u);
}

// ---- token lists ----

TEST(TokenList, SplitsCommaSeparatedTokens) {
  const struct {
    std::string_view input;
    std::vector<std::string> expected;
  } cases[] = {
      {"", {}},
      {"   ", {}},
      {"timer", {"timer"}},
      {"100rel, timer,replaces", {"100rel", "timer", "replaces"}},
      {"  path ,\tgruu  ", {"path", "gruu"}},
      {"a,,b,", {"a", "b"}},
      {"INVITE, ACK, BYE, CANCEL, OPTIONS, PRACK, UPDATE, REFER, NOTIFY, INFO, MESSAGE",
       {"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "PRACK", "UPDATE", "REFER", "NOTIFY", "INFO",
        "MESSAGE"}},
      {"presence, dialog, message-summary", {"presence", "dialog", "message-summary"}},
  };
  for (const auto& c : cases) {
    auto result = parse_token_list(c.input);
    ASSERT_TRUE(result.ok()) << c.input << ": " << result.error().reason;
    EXPECT_EQ(*result, c.expected) << c.input;
  }
}

TEST(TokenList, RejectsElementsThatAreNotTokens) {
  expect_errors(parse_token_list, {
                                      {"timer, 100 rel", "'100 rel' is not a token"},
                                      {"timer;q=1", "'timer;q=1' is not a token"},
                                      {"\"timer\"", "is not a token"},
                                      {"a, b@c", "'b@c' is not a token"},
                                      {"a, \"unterminated", "is not a token"},
                                      {"a, <b>", "is not a token"},
                                  });
  auto result = parse_token_list("timer, 100 rel");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().column, 8u);
}

TEST(TokenList, FormatsAndReparses) {
  const std::vector<std::string> tokens = {"100rel", "timer", "replaces"};
  EXPECT_EQ(format_token_list(tokens), "100rel, timer, replaces");
  EXPECT_EQ(format_token_list({}), "");
  auto again = parse_token_list(format_token_list(tokens));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, tokens);
}

// ---- Content-Type ----

TEST(ContentType, ParsesMediaTypesWithParameters) {
  auto sdp = parse_content_type("application/sdp");
  ASSERT_TRUE(sdp.ok());
  EXPECT_EQ(sdp->type, "application");
  EXPECT_EQ(sdp->subtype, "sdp");
  EXPECT_TRUE(sdp->params.empty());
  EXPECT_TRUE(sdp->is("APPLICATION", "SDP"));
  EXPECT_FALSE(sdp->is("application", "sdp2"));

  auto spaced = parse_content_type(" text / plain ; charset = UTF-8 ");
  ASSERT_TRUE(spaced.ok()) << spaced.error().reason;
  EXPECT_TRUE(spaced->is("text", "plain"));
  EXPECT_EQ(spaced->params.value("CHARSET"), "UTF-8");
  EXPECT_EQ(spaced->to_string(), "text/plain;charset=UTF-8");

  auto multipart = parse_content_type(R"(multipart/mixed;boundary="a \"b\" c";x=1)");
  ASSERT_TRUE(multipart.ok()) << multipart.error().reason;
  EXPECT_EQ(multipart->params.unquoted("boundary"), "a \"b\" c");
  EXPECT_EQ(multipart->params.value("x"), "1");

  auto upper = parse_content_type("Application/PIDF+XML");
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(upper->subtype, "PIDF+XML");  // kept as written
  EXPECT_TRUE(upper->is("application", "pidf+xml"));
}

TEST(ContentType, RejectsMalformedMediaTypes) {
  expect_errors(parse_content_type,
                {
                    {"", "expected a media type"},
                    {"/sdp", "expected a media type"},
                    {"application", "expected '/' after media type 'application'"},
                    {"app lication/sdp", "expected '/'"},
                    {"application/", "expected a subtype after 'application/'"},
                    {"application/sdp;", "expected a parameter name after ';'"},
                    {"application/sdp;charset=", "empty value"},
                    {"application/sdp;charset=\"utf-8", "unterminated quoted string"},
                    {"application/sdp extra", "unexpected 'extra' after the media type"},
                    {"text/plain;a=b/c", "unexpected '/c'"},
                    {"application/sdp,text/plain", "unexpected ',text/plain'"},
                });
}

TEST(ContentType, RoundTrips) {
  expect_round_trips(parse_content_type,
                     {"application/sdp", "message/sipfrag;version=2.0",
                      "multipart/mixed ; boundary=unique-boundary-1",
                      R"(multipart/related;type="application/sdp";start="<a@b>")",
                      R"(text/plain;q="a \"quoted\" \\ value")"});
}

// ---- Session timers (RFC 4028) ----

TEST(SessionExpires, ParsesSecondsAndRefresher) {
  auto rfc = parse_session_expires("4000;refresher=uac");
  ASSERT_TRUE(rfc.ok());
  EXPECT_EQ(rfc->seconds, 4000u);
  EXPECT_EQ(rfc->refresher(), "uac");

  auto plain = parse_session_expires("1800");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->seconds, 1800u);
  EXPECT_FALSE(plain->refresher());

  auto spaced = parse_session_expires(" 0090 ; Refresher = UAS ;x-foo=bar");
  ASSERT_TRUE(spaced.ok()) << spaced.error().reason;
  EXPECT_EQ(spaced->seconds, 90u);
  EXPECT_EQ(spaced->refresher(), "uas");
  EXPECT_EQ(spaced->to_string(), "90;Refresher=UAS;x-foo=bar");
}

TEST(SessionExpires, RejectsBadValues) {
  expect_errors(parse_session_expires,
                {
                    {"", "expected delta-seconds"},
                    {"abc;refresher=uac", "expected delta-seconds (digits)"},
                    {"1800;refresher=both", "refresher must be 'uac' or 'uas'"},
                    {"1800;refresher", "refresher must be 'uac' or 'uas'"},
                    {"1800;refresher=\"uac\"", "refresher must be 'uac' or 'uas'"},
                    {"1800 refresher=uac", "unexpected 'refresher=uac'"},
                    {"1800;", "expected a parameter name"},
                    {"18x00", "unexpected 'x00'"},
                });
}

TEST(SessionExpires, RoundTrips) {
  expect_round_trips(parse_session_expires,
                     {"1800", "4000;refresher=uac", "90 ; refresher=uas ; x=\"y z\""});
}

TEST(MinSe, ParsesDeltaSecondsAndIgnoresParameters) {
  EXPECT_EQ(*parse_min_se("90"), 90u);
  EXPECT_EQ(*parse_min_se(" 0120 ;x-ext=1;flag"), 120u);
  EXPECT_EQ(*parse_min_se("99999999999"), 4294967295u);
  expect_errors(parse_min_se, {
                                  {"", "found nothing"},
                                  {"ninety", "expected delta-seconds (digits)"},
                                  {"90;", "expected a parameter name"},
                                  {"90 91", "unexpected '91' after Min-SE"},
                              });
}

// ---- RAck / RSeq (RFC 3262) ----

TEST(RAck, ParsesNumbersAndMethod) {
  const struct {
    std::string_view input;
    RAck expected;
  } cases[] = {
      {"776656 1 INVITE", {776656, 1, "INVITE"}},
      {"1\t314159   INVITE", {1, 314159, "INVITE"}},
      {" 0001 0 INVITE ", {1, 0, "INVITE"}},
      {"4294967295 4294967295 UPDATE", {4294967295u, 4294967295u, "UPDATE"}},
      {"5 7 x-custom", {5, 7, "x-custom"}},
  };
  for (const auto& c : cases) {
    auto result = parse_rack(c.input);
    ASSERT_TRUE(result.ok()) << c.input << ": " << result.error().reason;
    EXPECT_TRUE(*result == c.expected) << c.input << " -> " << result->to_string();
  }
}

TEST(RAck, RejectsBadNumbersAndMissingParts) {
  expect_errors(parse_rack,
                {
                    {"", "expected the RSeq number (digits)"},
                    {"a 1 INVITE", "expected the RSeq number (digits), found 'a 1 INVITE'"},
                    {"0 1 INVITE", "RSeq number must be between 1 and 4294967295"},
                    {"4294967296 1 INVITE", "RSeq number must be between 1 and 4294967295"},
                    {"1 4294967296 INVITE", "CSeq number must be between 0 and 4294967295"},
                    {"1,1 INVITE", "expected whitespace after the RSeq number"},
                    {"1 INVITE", "expected the CSeq number (digits)"},
                    {"1 1", "expected whitespace after the CSeq number"},
                    {"1 1 ", "expected a method"},
                    {"1 1INVITE", "expected whitespace after the CSeq number"},
                    {"1 1 INVITE extra", "unexpected 'extra' after the method"},
                    {"1 1 INV@ITE", "unexpected '@ITE'"},
                });
}

TEST(RAck, RoundTrips) { expect_round_trips(parse_rack, {"776656 1 INVITE", "01  02\tPRACK"}); }

TEST(RSeq, AcceptsOneToTwoPow31MinusOne) {
  EXPECT_EQ(*parse_rseq("988789"), 988789u);
  EXPECT_EQ(*parse_rseq("1"), 1u);
  EXPECT_EQ(*parse_rseq("00001"), 1u);
  EXPECT_EQ(*parse_rseq(" 2147483647 "), 2147483647u);
  expect_errors(parse_rseq, {
                                {"", "expected the RSeq number"},
                                {"0", "between 1 and 2147483647"},
                                {"2147483648", "between 1 and 2147483647"},
                                {"99999999999999999999", "between 1 and 2147483647"},
                                {"-1", "expected the RSeq number (digits)"},
                                {"12 3", "unexpected '3' after the RSeq number"},
                            });
}

// ---- Event / Subscription-State (RFC 6665) ----

TEST(Event, ParsesPackagesTemplatesAndId) {
  auto refer = parse_event("refer;id=93809824");
  ASSERT_TRUE(refer.ok());
  EXPECT_EQ(refer->type, "refer");
  EXPECT_EQ(refer->id(), "93809824");

  auto winfo = parse_event("presence.winfo");
  ASSERT_TRUE(winfo.ok());
  EXPECT_EQ(winfo->type, "presence.winfo");
  EXPECT_FALSE(winfo->id());

  auto spaced = parse_event(" refer ; ID = 17 ");
  ASSERT_TRUE(spaced.ok()) << spaced.error().reason;
  EXPECT_EQ(spaced->id(), "17");
  EXPECT_EQ(spaced->to_string(), "refer;ID=17");

  auto dialog = parse_event(R"(dialog;call-id="a@b";from-tag=x;include-session-description)");
  ASSERT_TRUE(dialog.ok()) << dialog.error().reason;
  EXPECT_EQ(dialog->params.unquoted("call-id"), "a@b");
  EXPECT_TRUE(dialog->params.has("include-session-description"));

  auto quoted = parse_event(R"(conference;id="a \"b\"")");
  ASSERT_TRUE(quoted.ok());
  EXPECT_EQ(quoted->id(), "a \"b\"");
}

TEST(Event, RejectsMalformedTypes) {
  expect_errors(parse_event, {
                                 {"", "expected an event package name"},
                                 {";id=1", "expected an event package name"},
                                 {".winfo", "has an empty package or template"},
                                 {"presence.", "has an empty package or template"},
                                 {"a..b", "has an empty package or template"},
                                 {"refer;", "expected a parameter name"},
                                 {"pres ence", "unexpected 'ence' after the event type"},
                                 {"refer;id=\"abc", "unterminated quoted string"},
                                 {"refer/x", "unexpected '/x'"},
                             });
}

TEST(Event, RoundTrips) {
  expect_round_trips(parse_event, {"presence", "refer;id=1", "message-summary ; x=\"a;b\"",
                                   "dialog;call-id=\"a@b\";from-tag=x"});
}

TEST(SubscriptionState, ParsesStateAndParameters) {
  auto active = parse_subscription_state("active;expires=3600");
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(active->state, "active");
  EXPECT_EQ(active->expires(), 3600u);
  EXPECT_FALSE(active->reason());

  auto terminated = parse_subscription_state("terminated;reason=deactivated;retry-after=60");
  ASSERT_TRUE(terminated.ok());
  EXPECT_EQ(terminated->reason(), "deactivated");
  EXPECT_EQ(terminated->retry_after(), 60u);
  EXPECT_FALSE(terminated->expires());

  auto odd = parse_subscription_state(" ACTIVE ; Expires = 0600 ");
  ASSERT_TRUE(odd.ok()) << odd.error().reason;
  EXPECT_EQ(odd->state, "ACTIVE");
  EXPECT_EQ(odd->expires(), 600u);

  auto clamped = parse_subscription_state("active;expires=99999999999");
  ASSERT_TRUE(clamped.ok());
  EXPECT_EQ(clamped->expires(), 4294967295u);

  auto pending = parse_subscription_state("pending");
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->params.empty());
}

TEST(SubscriptionState, RejectsBadValues) {
  expect_errors(parse_subscription_state,
                {
                    {"", "expected a subscription state"},
                    {"active;expires=abc", "'expires' must be delta-seconds"},
                    {"active;expires", "'expires' must be delta-seconds"},
                    {"active;expires=\"60\"", "'expires' must be delta-seconds"},
                    {"terminated;retry-after=-1", "'retry-after' must be delta-seconds"},
                    {"active extra", "unexpected 'extra' after the subscription state"},
                    {"active;", "expected a parameter name"},
                });
}

TEST(SubscriptionState, RoundTrips) {
  expect_round_trips(
      parse_subscription_state,
      {"active;expires=3600", "terminated;reason=noresource", "pending ; expires = 10 ; x=\"y\""});
}

// ---- Replaces (RFC 3891) ----

TEST(Replaces, ParsesCallIdAndTags) {
  auto rfc = parse_replaces("425928@bobster.example.org;to-tag=7743;from-tag=6472");
  ASSERT_TRUE(rfc.ok());
  EXPECT_EQ(rfc->call_id, "425928@bobster.example.org");
  EXPECT_EQ(rfc->to_tag(), "7743");
  EXPECT_EQ(rfc->from_tag(), "6472");
  EXPECT_FALSE(rfc->early_only());

  auto early =
      parse_replaces("12345600@atlanta.example.com;from-tag=1234567;to-tag=12345678;early-only");
  ASSERT_TRUE(early.ok());
  EXPECT_TRUE(early->early_only());
  EXPECT_EQ(early->to_tag(), "12345678");

  auto spaced = parse_replaces(" abc ; TO-TAG = 1 ; From-Tag=2 ");
  ASSERT_TRUE(spaced.ok()) << spaced.error().reason;
  EXPECT_EQ(spaced->call_id, "abc");
  EXPECT_EQ(spaced->to_tag(), "1");
  EXPECT_EQ(spaced->from_tag(), "2");

  // Call-ID words may hold characters that tokens may not.
  auto wordy = parse_replaces("a:b/c[d]{e}?@host<x>;to-tag=1;from-tag=2");
  ASSERT_TRUE(wordy.ok()) << wordy.error().reason;
  EXPECT_EQ(wordy->call_id, "a:b/c[d]{e}?@host<x>");
}

TEST(Replaces, ParsesAfterCallerUnescapesReferToHeader) {
  const std::string escaped = "12345%40192.0.2.1%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994";
  auto replaces = parse_replaces(unescape(escaped));
  ASSERT_TRUE(replaces.ok()) << replaces.error().reason;
  EXPECT_EQ(replaces->call_id, "12345@192.0.2.1");
  EXPECT_EQ(replaces->from_tag(), "5FFE-3994");
}

TEST(Replaces, RejectsMissingOrMalformedParts) {
  expect_errors(parse_replaces,
                {
                    {"", "expected a Call-ID"},
                    {";to-tag=1;from-tag=2", "expected a Call-ID"},
                    {"abc@;to-tag=1;from-tag=2", "expected a word after '@'"},
                    {"abc", "missing the required 'to-tag'"},
                    {"abc;from-tag=2", "missing the required 'to-tag'"},
                    {"abc;to-tag=1", "missing the required 'from-tag'"},
                    {"abc;to-tag=\"1\";from-tag=2", "'to-tag' must have a token value"},
                    {"abc;to-tag;from-tag=2", "'to-tag' must have a token value"},
                    {"abc;to-tag=1;from-tag=[::1]", "'from-tag' must have a token value"},
                    {"abc def;to-tag=1;from-tag=2", "unexpected 'def;to-tag=1;from-tag=2'"},
                    {"a@b@c;to-tag=1;from-tag=2", "unexpected '@c;"},
                });
}

TEST(Replaces, RoundTrips) {
  expect_round_trips(parse_replaces, {"425928@bobster.example.org;to-tag=7743;from-tag=6472",
                                      "x ; from-tag=a ; to-tag=b ; early-only"});
}

// ---- Reason (RFC 3326) ----

TEST(Reason, ParsesProtocolCauseAndText) {
  auto sip = parse_reason(R"(SIP ;cause=200 ;text="Call completed elsewhere")");
  ASSERT_TRUE(sip.ok()) << sip.error().reason;
  EXPECT_EQ(sip->protocol, "SIP");
  EXPECT_EQ(sip->cause(), 200u);
  EXPECT_EQ(sip->text(), "Call completed elsewhere");

  auto q850 = parse_reason("Q.850;cause=16");
  ASSERT_TRUE(q850.ok());
  EXPECT_EQ(q850->protocol, "Q.850");
  EXPECT_EQ(q850->cause(), 16u);
  EXPECT_FALSE(q850->text());

  auto escaped = parse_reason(R"(SIP;text="say \"hi\"";cause=0487)");
  ASSERT_TRUE(escaped.ok());
  EXPECT_EQ(escaped->text(), "say \"hi\"");
  EXPECT_EQ(escaped->cause(), 487u);

  auto bare = parse_reason("preemption ;cause=1 ;text=UA-Preemption");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->text(), "UA-Preemption");  // unquoted text tolerated
}

TEST(Reason, RejectsBadValues) {
  expect_errors(parse_reason, {
                                  {"", "expected a protocol"},
                                  {";cause=1", "expected a protocol"},
                                  {"SIP;cause=abc", "cause must be a number"},
                                  {"SIP;cause", "cause must be a number"},
                                  {"SIP;cause=99999999999", "cause must be a number"},
                                  {"SIP;text=\"unterminated", "unterminated quoted string"},
                                  {"SIP cause=1", "unexpected 'cause=1'"},
                              });
}

TEST(Reason, RoundTrips) {
  expect_round_trips(parse_reason, {R"(SIP ;cause=200 ;text="Call completed elsewhere")",
                                    "Q.850;cause=16", R"(SIP;text="a \\ b \"c\"")"});
}

// ---- Robustness ----

TEST(HeaderValues, NeverCrashOnTruncationsAndJunk) {
  const std::vector<std::string> samples = {"application/sdp;charset=\"utf-8\"",
                                            "4000;refresher=uac",
                                            "776656 1 INVITE",
                                            "dialog;call-id=\"a@b\";from-tag=x",
                                            "terminated;reason=deactivated;retry-after=60",
                                            "425928@bob;to-tag=7743;from-tag=6472;early-only",
                                            "SIP ;cause=200 ;text=\"Call \\\"completed\\\"\""};
  std::vector<std::string> inputs;
  for (const std::string& s : samples) {
    for (size_t n = 0; n <= s.size(); ++n) inputs.push_back(s.substr(0, n));
  }
  std::mt19937 rng(7);
  const std::string alphabet = "a1;=\"\\ \t,./@<>:%\x01\xff";
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng() % 24, ' ');
    for (char& c : junk) c = alphabet[rng() % alphabet.size()];
    inputs.push_back(junk);
  }
  for (const std::string& input : inputs) {
    (void)parse_delta_seconds(input);
    (void)parse_token_list(input);
    (void)parse_content_type(input);
    (void)parse_session_expires(input);
    (void)parse_min_se(input);
    (void)parse_rack(input);
    (void)parse_rseq(input);
    (void)parse_event(input);
    (void)parse_subscription_state(input);
    (void)parse_replaces(input);
    (void)parse_reason(input);
  }
}

}  // namespace
}  // namespace tandem::sip
