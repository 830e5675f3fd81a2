// Blind transfer through the B2BUA (RFC 3515, RFC 5589): a REFER from either leg is relayed to
// the other one, its answer goes back, and the NOTIFYs of the implicit subscription come back to
// the referrer with the referrer's Event id until the terminated one.
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "call_test_util.hpp"

namespace tandem::gateway::test {
namespace {

using Headers = std::vector<std::pair<sip::HeaderId, std::string>>;

class CallTransferTest : public CallBench {
 protected:
  // Sends an in-dialog request with `headers` from `party`; the final status it got.
  int send(Party& party, const std::string& method, const Headers& headers,
           const std::string& body = {}, const std::string& type = {}) {
    sip::InviteSession& s = *party.session;
    sip::Message m = s.dialog().make_request(method);
    for (const auto& [id, value] : headers) m.add(id, value);
    if (!body.empty()) {
      m.add(sip::HeaderId::kContentType, type);
      m.set_body(body);
    }
    last_cseq = m.cseq()->number;
    int status = 0;
    party.ua().send(
        std::move(m),
        [&status](const sip::Message& r, const sip::Message&) {
          if (r.status() >= 200) status = r.status();
        },
        sip::SendOptions{false, s.dialog().next_hop_uri(), s.flow()});
    settle();
    return status;
  }
  int refer(Party& party, const std::string& target) {
    return send(party, "REFER", {{sip::HeaderId::kReferTo, target}});
  }
  int notify(Party& party, const std::string& event, const std::string& state,
             const std::string& frag) {
    return send(party, "NOTIFY",
                {{sip::HeaderId::kEvent, event}, {sip::HeaderId::kSubscriptionState, state}}, frag,
                "message/sipfrag;version=2.0");
  }
  uint32_t cseq_of(const sip::Message& m) const { return m.cseq()->number; }

  uint32_t last_cseq = 0;
};

TEST_F(CallTransferTest, BrowserTransfersThePbxPartyAndHearsHowItWent) {
  outbound_call_up();
  pbx.in_dialog_status = 202;
  EXPECT_EQ(send(browser, "OPTIONS", {}), 200);  // answered by us: the legs' CSeqs now differ
  // The browser's Refer-To carries its own idea of the domain: the PBX gets its AOR domain.
  EXPECT_EQ(refer(browser, "<sip:600@df7jal23ls0d.invalid>"), 202);
  const uint32_t browser_refer = last_cseq;
  auto refers = sent_to(pbx, "REFER");
  ASSERT_EQ(refers.size(), 1u);
  EXPECT_EQ(header(refers[0], sip::HeaderId::kReferTo), "<sip:600@pbx.test>");
  const uint32_t pbx_refer = cseq_of(refers[0]);
  ASSERT_NE(pbx_refer, browser_refer);

  // The PBX's progress comes back with the browser's id; the browser's answer goes to the PBX.
  browser.in_dialog_status = 200;
  EXPECT_EQ(notify(pbx, "refer;id=" + std::to_string(pbx_refer), "active;expires=60",
                   "SIP/2.0 100 Trying\r\n"),
            200);
  auto notifies = sent_to(browser, "NOTIFY");
  ASSERT_EQ(notifies.size(), 1u);
  EXPECT_EQ(header(notifies[0], sip::HeaderId::kEvent),
            "refer;id=" + std::to_string(browser_refer));
  EXPECT_EQ(header(notifies[0], sip::HeaderId::kSubscriptionState), "active;expires=60");
  EXPECT_EQ(header(notifies[0], sip::HeaderId::kContentType), "message/sipfrag;version=2.0");
  EXPECT_EQ(notifies[0].body(), "SIP/2.0 100 Trying\r\n");

  // The final NOTIFY (no id: the only subscription) ends it; a later one is for nothing.
  browser.in_dialog_status = 603;  // whatever the browser answers is what the PBX gets
  EXPECT_EQ(notify(pbx, "refer", "terminated;reason=noresource", "SIP/2.0 200 OK\r\n"), 603);
  EXPECT_EQ(sent_to(browser, "NOTIFY").size(), 2u);
  EXPECT_EQ(notify(pbx, "refer", "terminated;reason=noresource", "SIP/2.0 200 OK\r\n"), 481);
  EXPECT_EQ(sent_to(browser, "NOTIFY").size(), 2u);
  EXPECT_EQ(calls.active_calls(), 1u);  // the transferor hangs up when it chooses
}

TEST_F(CallTransferTest, PbxTransfersTheBrowserWithItsReferToUnchanged) {
  inbound_call_up();
  browser.in_dialog_status = 202;
  EXPECT_EQ(send(pbx, "OPTIONS", {}), 200);  // answered by us: the legs' CSeqs now differ
  EXPECT_EQ(refer(pbx, "<sip:601@10.0.0.3;user=phone>"), 202);
  const uint32_t pbx_refer = last_cseq;
  auto refers = sent_to(browser, "REFER");
  ASSERT_EQ(refers.size(), 1u);
  ASSERT_NE(cseq_of(refers[0]), pbx_refer);
  EXPECT_EQ(header(refers[0], sip::HeaderId::kReferTo), "<sip:601@10.0.0.3;user=phone>");

  pbx.in_dialog_status = 200;
  EXPECT_EQ(notify(browser, "refer;id=" + std::to_string(cseq_of(refers[0])),
                   "terminated;reason=noresource", "SIP/2.0 200 OK\r\n"),
            200);
  auto notifies = sent_to(pbx, "NOTIFY");
  ASSERT_EQ(notifies.size(), 1u);
  EXPECT_EQ(header(notifies[0], sip::HeaderId::kEvent), "refer;id=" + std::to_string(pbx_refer));
  EXPECT_EQ(notifies[0].body(), "SIP/2.0 200 OK\r\n");
}

TEST_F(CallTransferTest, RefusedReferOpensNoSubscription) {
  inbound_call_up();
  browser.in_dialog_status = 603;
  EXPECT_EQ(refer(pbx, "<sip:601@10.0.0.3>"), 603);
  const uint32_t browser_refer = cseq_of(sent_to(browser, "REFER").at(0));
  EXPECT_EQ(notify(browser, "refer;id=" + std::to_string(browser_refer),
                   "terminated;reason=noresource", "SIP/2.0 603 Declined\r\n"),
            481);
  EXPECT_TRUE(sent_to(pbx, "NOTIFY").empty());
}

TEST_F(CallTransferTest, NotifyWithoutReferIs481AndOtherEventsAreRelayed) {
  outbound_call_up();
  EXPECT_EQ(notify(pbx, "refer;id=7", "active", "SIP/2.0 100 Trying\r\n"), 481);
  EXPECT_TRUE(sent_to(browser, "NOTIFY").empty());
  EXPECT_EQ(notify(pbx, "talk", "active", "x"), 200);
  auto notifies = sent_to(browser, "NOTIFY");
  ASSERT_EQ(notifies.size(), 1u);
  EXPECT_EQ(header(notifies[0], sip::HeaderId::kEvent), "talk");
}

TEST_F(CallTransferTest, BrowserMayOnlyTransferWhereItsTokenAllows) {
  set_browser_allow(std::vector<std::string>{"600"});
  outbound_call_up();
  pbx.in_dialog_status = 202;
  EXPECT_EQ(refer(browser, "<sip:601@df7jal23ls0d.invalid>"), 403);
  EXPECT_TRUE(sent_to(pbx, "REFER").empty());
  EXPECT_EQ(refer(browser, "<sip:600@df7jal23ls0d.invalid>"), 202);
  EXPECT_EQ(sent_to(pbx, "REFER").size(), 1u);
}

TEST_F(CallTransferTest, BadOrAttendedBrowserReferIsRefused) {
  outbound_call_up();
  pbx.in_dialog_status = 202;
  EXPECT_EQ(send(browser, "REFER", {}), 400);  // no Refer-To
  EXPECT_EQ(refer(browser, "<tel:+15551234>"), 416);
  EXPECT_EQ(refer(browser, "<sip:600@x.invalid?Replaces=abc%3Bto-tag%3D1%3Bfrom-tag%3D2>"), 501);
  EXPECT_TRUE(sent_to(pbx, "REFER").empty());
  EXPECT_EQ(calls.active_calls(), 1u);
}

TEST_F(CallTransferTest, PbxLegGoneDuringReferEndsTheCall) {
  outbound_call_up();
  pbx.in_dialog_status = 481;
  EXPECT_EQ(refer(browser, "<sip:600@df7jal23ls0d.invalid>"), 500);
  EXPECT_EQ(calls.active_calls(), 0u);
}

}  // namespace
}  // namespace tandem::gateway::test
