// A B2BUA test bench: the gateway's real sip::UserAgent with a CallManager, a browser and a PBX
// (real user agents, Party from the SIP tests) on the in-memory loop network, and a MediaPlane
// that records what call control asks of it and answers later, like the media workers do. Bodies
// are the real SDPs of tests/data/sdp and tests/unit/gateway/data.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../sip/ua_test_util.hpp"
#include "fixture_transport.hpp"
#include "gateway/call_manager.hpp"
#include "sdp/parser.hpp"

namespace tandem::gateway::test {

using sip::test::addr;
using sip::test::FakeClock;
using sip::test::LoopNetwork;
using sip::test::Party;
using sip::test::Strings;

inline std::string read_sdp(const std::string& name) {
  const std::filesystem::path data(TANDEM_TEST_DATA_DIR);
  const auto browser = data / "sdp" / name;
  const auto mine = data.parent_path() / "unit" / "gateway" / "data" / name;
  std::ifstream in(std::filesystem::exists(browser) ? browser : mine, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_FALSE(text.str().empty()) << name;
  return text.str();
}

inline sdp::SessionDescription parse(const std::string& body) {
  auto sd = sdp::parse_sdp(body);
  EXPECT_TRUE(sd.ok()) << body;
  return sd.ok() ? std::move(sd).value() : sdp::SessionDescription{};
}

inline std::string replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

class TestMediaPlane final : public MediaPlane {
 public:
  std::vector<std::string> events;
  std::map<MediaId, BridgeMode> modes;
  bool fail_allocate = false;
  EndedHandler ended;

  void allocate(Allocated done) override {
    events.push_back("allocate");
    const MediaId id = next_id_++;
    pending_.push_back([this, id, done] {
      if (fail_allocate) return done(Error{"no free RTP port"});
      done(MediaAllocation{
          id, fixture_browser_transport(),
          PbxTransport{"192.0.2.50", "IP4", static_cast<uint16_t>(20000 + 2 * id)}});
    });
  }
  void configure(MediaId id, const BridgeMode& mode, Configured done) override {
    events.push_back("configure " + std::to_string(id) + " " + describe(mode));
    modes[id] = mode;
    pending_.push_back([done] { done(Ok{}); });
  }
  bool send_dtmf(MediaId id, char digit, std::chrono::milliseconds duration) override {
    const bool ok = modes.count(id) != 0 && modes[id].pbx_dtmf_pt.has_value();
    events.push_back("dtmf " + std::to_string(id) + " " + digit + " " +
                     std::to_string(duration.count()) + (ok ? "" : " refused"));
    return ok;
  }
  void release(MediaId id) override { events.push_back("release " + std::to_string(id)); }
  void set_ended_handler(EndedHandler handler) override { ended = std::move(handler); }

  // Delivers the answers queued so far; false when there were none.
  bool run() {
    if (pending_.empty()) return false;
    auto batch = std::exchange(pending_, {});
    for (auto& f : batch) f();
    return true;
  }
  std::vector<std::string> take() { return std::exchange(events, {}); }

  static std::string describe(const BridgeMode& m) {
    const char* codec = m.pbx_codec == PbxCodec::kOpus   ? "opus"
                        : m.pbx_codec == PbxCodec::kPcmu ? "PCMU"
                                                         : "PCMA";
    return std::string(codec) + " browser=" + std::string(sdp::to_string(m.browser_direction)) +
           " pbx=" + std::string(sdp::to_string(m.pbx_direction)) + " " + m.pbx_address + ":" +
           std::to_string(m.pbx_port);
  }

 private:
  MediaId next_id_ = 1;
  std::deque<std::function<void()>> pending_;
};

// A Party whose in-dialog requests are answered with a given SDP, or held for the test.
class SdpParty : public Party {
 public:
  using Party::Party;
  std::string reoffer_answer;  // body of the 200 to a re-INVITE/UPDATE with an offer
  bool hold_requests = false;
  std::vector<sip::IncomingRequest> held;
  sip::InviteSession* held_session = nullptr;
  std::vector<sip::Message> requests;  // every in-dialog request received

  void on_request(sip::InviteSession& s, const sip::IncomingRequest& r) override {
    events.push_back("in-dialog " + r.request.method());
    requests.push_back(r.request);
    if (hold_requests) {
      held.push_back(r);
      held_session = &s;
      return;
    }
    const bool offer = !r.request.body().empty() &&
                       (r.request.method() == "INVITE" || r.request.method() == "UPDATE");
    if (offer && in_dialog_status == 200) {
      s.respond(r, 200, reoffer_answer, "application/sdp");
    } else {
      s.respond(r, in_dialog_status);
    }
  }
};

// Hands the gateway UA's INVITEs to the CallManager the way GatewayCore does: from the browser's
// address as browser calls, from anywhere else as PBX calls for `binding`.
class TestGatewayListener final : public sip::UserAgent::Listener {
 public:
  CallManager* calls = nullptr;
  sip::PeerAddress browser_address;
  BrowserBinding binding;
  std::optional<std::vector<std::string>> browser_allow;  // the calling browser's token's
  void on_invite(sip::IncomingInvite& invite) override {
    if (invite.flow().remote == browser_address) {
      calls->on_browser_invite(invite, BrowserFlow{invite.flow(), "1001", browser_allow});
    } else {
      calls->on_pbx_invite(invite, binding);
    }
  }
  void on_cancelled(sip::IncomingInvite& invite) override { calls->on_cancelled(invite); }
};

class CallBench : public ::testing::Test {
 protected:
  explicit CallBench(std::string pbx_uri = "sip:10.0.0.3:5060")
      : gateway_(io_, gateway_config(), listener_),
        transport_(net, kGateway),
        calls(gateway_, media, settings(pbx_uri)) {
    gateway_.layer().add_transport(transport_);
    net.attach(kGateway, gateway_.layer());
    listener_.calls = &calls;
    listener_.browser_address = browser.address();
    listener_.binding.browser.flow =
        sip::Flow{sip::TransportKind::kTcp, browser.address(), kGateway, 1};
    listener_.binding.browser.subject = "1001";
    listener_.binding.browser_contact =
        *sip::parse_uri("sip:k3j2h1@df7jal23ls0d.invalid;transport=ws");
    listener_.binding.contact_user = "1001-1";
    browser.answer_with = {};
    pbx.answer_with = {};
  }

  // The `allow` list of the browser's token (both directions); none by default.
  void set_browser_allow(std::optional<std::vector<std::string>> allow) {
    listener_.browser_allow = allow;
    listener_.binding.browser.allow = std::move(allow);
  }

  // Runs the network and the media answers until both are idle.
  void settle() {
    for (int i = 0; i < 50; ++i) {
      net.pump();
      if (!media.run()) {
        net.pump();
        if (!media.run()) return;
      }
    }
  }
  void advance(Duration d) {
    clock.advance(d);
    gateway_.tick();
    browser.ua().tick();
    pbx.ua().tick();
    settle();
  }

  // The browser calls `user` with Chromium's offer.
  void browser_calls(const std::string& user = "600",
                     const std::string& offer = read_sdp("chromium-156-audio.offer.sdp")) {
    auto target = *sip::parse_uri("sip:" + user + "@10.0.0.1:5060");
    sip::Message invite = browser.ua().make_request("INVITE", target, browser.name_addr("1001"),
                                                    sip::NameAddr{{}, target, {}});
    invite.add(sip::HeaderId::kContentType, "application/sdp");
    invite.set_body(offer);
    browser.outgoing = &browser.ua().invite(std::move(invite), browser);
    settle();
  }
  // The PBX calls the browser's registered Contact at the gateway with `offer`.
  void pbx_calls(const std::string& offer = read_sdp("sipp-pcmu.offer.sdp")) {
    auto target = *sip::parse_uri("sip:1001-1@10.0.0.1:5060");
    sip::Message invite = pbx.ua().make_request("INVITE", target, pbx.name_addr("2002"),
                                                sip::NameAddr{{}, target, {}});
    if (!offer.empty()) {
      invite.add(sip::HeaderId::kContentType, "application/sdp");
      invite.set_body(offer);
    }
    pbx.outgoing = &pbx.ua().invite(std::move(invite), pbx);
    settle();
  }
  // `party` answers its pending INVITE.
  sip::InviteSession* answer(Party& party, int status, const std::string& body = {}) {
    EXPECT_NE(party.incoming, nullptr);
    if (party.incoming == nullptr) return nullptr;
    sip::IncomingInvite* invite = party.incoming;
    sip::InviteSession* s = invite->respond(status, body, body.empty() ? "" : "application/sdp");
    if (s != nullptr) s->set_listener(&party);
    if (status >= 200) {
      party.incoming = nullptr;
      if (status < 300) party.session = s;
    }
    settle();
    return s;
  }
  // An outbound call answered by the PBX with `pbx_answer` (tandem-pbx PCMU by default).
  void outbound_call_up(const std::string& pbx_answer = read_sdp("tandem-pbx-pcmu.answer.sdp")) {
    browser_calls();
    answer(pbx, 180);
    answer(pbx, 200, pbx_answer);
    if (!sent_to(pbx, "INVITE").empty()) first_pbx_offer = sent_to(pbx, "INVITE").front().body();
    ASSERT_NE(browser.session, nullptr);
    ASSERT_NE(pbx.session, nullptr);
    net.clear_log();
    media.take();
    browser.take();
    pbx.take();
  }
  void inbound_call_up() {
    pbx_calls();
    answer(browser, 180);
    answer(browser, 200, read_sdp("chromium-to-sipp-pcmu.answer.sdp"));
    if (!sent_to(browser, "INVITE").empty()) {
      first_browser_offer = sent_to(browser, "INVITE").front().body();
    }
    ASSERT_NE(browser.session, nullptr);
    ASSERT_NE(pbx.session, nullptr);
    net.clear_log();
    media.take();
    browser.take();
    pbx.take();
  }

  // Messages that went to `to` (requests by method, responses by status), oldest first.
  std::vector<sip::Message> sent_to(const Party& to, const std::string& what) const {
    std::vector<sip::Message> out;
    for (const sip::test::Packet& p : net.log()) {
      if (!(p.to == to.address())) continue;
      const std::string got =
          p.message.is_request() ? p.message.method() : std::to_string(p.message.status());
      if (got == what) out.push_back(p.message);
    }
    return out;
  }
  // The party's events without the 100 Trying it got.
  static Strings take(Party& party) {
    Strings out;
    for (std::string& e : party.take()) {
      if (e != "progress 100") out.push_back(std::move(e));
    }
    return out;
  }
  std::string header(const sip::Message& m, sip::HeaderId id) const {
    const sip::Header* h = m.find(id);
    return h == nullptr ? std::string() : std::string(h->value);
  }

  static constexpr const char* kGatewayIp = "10.0.0.1";
  const sip::PeerAddress kGateway = addr(kGatewayIp);
  LoopNetwork net;
  FakeClock clock;
  SdpParty browser{net, clock, addr("10.0.0.2")};
  SdpParty pbx{net, clock, addr("10.0.0.3")};
  TestMediaPlane media;
  std::vector<std::string> log;
  std::string first_pbx_offer;      // our INVITE body to the PBX in outbound_call_up()
  std::string first_browser_offer;  // our INVITE body to the browser in inbound_call_up()

 private:
  sip::UserAgentConfig gateway_config() {
    sip::UserAgentConfig c;
    c.now = [this] { return clock.now; };
    c.asio_timers = false;
    c.next_hop = sip::test::loop_next_hop(kGateway);
    return c;
  }
  CallSettings settings(const std::string& pbx_uri) {
    CallSettings s;
    s.pbx_uri = *sip::parse_uri(pbx_uri);
    s.domain = "pbx.test";
    s.logger = [this](CallLogLevel level, std::string_view line) {
      if (level != CallLogLevel::kDebug) log.emplace_back(line);
    };
    return s;
  }

  boost::asio::io_context io_;
  TestGatewayListener listener_;
  sip::UserAgent gateway_;
  sip::test::LoopTransport transport_;

 protected:
  CallManager calls;
};

}  // namespace tandem::gateway::test
