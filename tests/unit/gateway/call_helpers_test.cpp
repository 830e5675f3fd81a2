// The pure helpers of call control: failure mapping with RFC 3326 Reason, SIP INFO DTMF bodies.
#include <gtest/gtest.h>

#include "gateway/call_failure.hpp"
#include "gateway/dtmf_info.hpp"
#include "sip/message_builder.hpp"

namespace tandem::gateway {
namespace {

sip::Message response(int status, bool with_tag, std::string_view reason = {}) {
  sip::Message invite = sip::Message::request("INVITE", *sip::parse_uri("sip:600@pbx.test"));
  invite.add(sip::HeaderId::kVia, "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1");
  invite.add(sip::HeaderId::kFrom, "<sip:1001@pbx.test>;tag=a");
  invite.add(sip::HeaderId::kTo, "<sip:600@pbx.test>");
  invite.add(sip::HeaderId::kCallId, "c1");
  invite.add(sip::HeaderId::kCSeq, "1 INVITE");
  return sip::make_response(invite, status, reason, with_tag ? "b" : "");
}

TEST(CallFailure, MapsPbxAndBrowserFailures) {
  struct Case {
    int status;
    bool remote;
    FailedLeg leg;
    int mapped;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {486, true, FailedLeg::kPbx, 486, "SIP ;cause=486 ;text=\"Busy Here\""},
      {404, true, FailedLeg::kPbx, 404, "SIP ;cause=404 ;text=\"Not Found\""},
      {603, true, FailedLeg::kPbx, 603, "SIP ;cause=603 ;text=\"Decline\""},
      {401, true, FailedLeg::kPbx, 403, "SIP ;cause=401 ;text=\"Unauthorized\""},
      {421, true, FailedLeg::kPbx, 500, "SIP ;cause=421 ;text=\"Extension Required\""},
      {500, true, FailedLeg::kPbx, 502, "SIP ;cause=500 ;text=\"Server Internal Error\""},
      {503, true, FailedLeg::kPbx, 503, "SIP ;cause=503 ;text=\"Service Unavailable\""},
      {408, false, FailedLeg::kPbx, 408, "SIP ;cause=408 ;text=\"PBX did not answer\""},
      {503, false, FailedLeg::kPbx, 503, "SIP ;cause=503 ;text=\"PBX unreachable\""},
      {408, false, FailedLeg::kBrowser, 480, "SIP ;cause=408 ;text=\"browser did not answer\""},
      {503, false, FailedLeg::kBrowser, 480, "SIP ;cause=503 ;text=\"browser unreachable\""},
      {486, true, FailedLeg::kBrowser, 486, "SIP ;cause=486 ;text=\"Busy Here\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::to_string(c.status));
    const MappedFailure m = map_failure(response(c.status, c.remote), c.leg);
    EXPECT_EQ(m.status, c.mapped);
    EXPECT_EQ(m.reason, c.reason);
  }
}

TEST(CallFailure, ReasonTextIsAQuotedString) {
  EXPECT_EQ(sip_reason(480, "say \"hi\"\\\r\n"), "SIP ;cause=480 ;text=\"say \\\"hi\\\"\\\\  \"");
  EXPECT_EQ(q850_reason(41, "x"), "Q.850 ;cause=41 ;text=\"x\"");
  // The peer's own reason phrase is carried, sanitised.
  EXPECT_EQ(map_failure(response(486, true, "Busy \"now\""), FailedLeg::kPbx).reason,
            "SIP ;cause=486 ;text=\"Busy \\\"now\\\"\"");
}

TEST(DtmfInfo, ParsesDtmfRelayAndDtmfBodies) {
  auto d = parse_dtmf_info("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->digit, '5');
  EXPECT_EQ(d->duration.count(), 160);
  d = parse_dtmf_info("Application/DTMF-Relay; charset=x", "signal= *\nduration= 250");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->digit, '*');
  EXPECT_EQ(d->duration.count(), 250);
  d = parse_dtmf_info("application/dtmf-relay", "Signal=11\r\nDuration=99999\r\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->digit, '#');
  EXPECT_EQ(d->duration.count(), 5000);  // clamped
  d = parse_dtmf_info("application/dtmf-relay", "Signal=a\r\nDuration=1\r\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->digit, 'A');
  EXPECT_EQ(d->duration.count(), 40);
  d = parse_dtmf_info("application/dtmf", "9\r\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->digit, '9');
  EXPECT_EQ(d->duration.count(), 160);
}

TEST(DtmfInfo, RejectsOtherTypesAndMalformedBodies) {
  EXPECT_FALSE(parse_dtmf_info("text/plain", "5"));
  EXPECT_FALSE(parse_dtmf_info("application/dtmf-relay", "Duration=160"));
  EXPECT_FALSE(parse_dtmf_info("application/dtmf-relay", "Signal=E\r\n"));
  EXPECT_FALSE(parse_dtmf_info("application/dtmf-relay", "Signal=55\r\n"));
  EXPECT_FALSE(parse_dtmf_info("application/dtmf-relay", ""));
  EXPECT_FALSE(parse_dtmf_info("application/dtmf", ""));
  EXPECT_FALSE(parse_dtmf_info("application/dtmf", "12"));
  EXPECT_FALSE(parse_dtmf_info("application/dtmf", std::string("\0", 1)));
  // Garbage durations fall back to the default instead of failing the digit.
  auto d = parse_dtmf_info("application/dtmf-relay", "Signal=1\r\nDuration=-5\r\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->duration.count(), 160);
}

}  // namespace
}  // namespace tandem::gateway
