// An in-memory SIP network for user agent tests: transports that queue serialized messages, a
// pump that parses and delivers them to the addressed transaction layer (through the real parser
// and serializer), scripted peers whose traffic the test reads and answers by hand, and a fake
// clock for the core's timers. Transports are "TCP" so the transaction layer's own (real-time)
// retransmission timers stay quiet; the core's 2xx retransmission runs on the fake clock.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sip/invite_session.hpp"
#include "sip/message_builder.hpp"
#include "sip/message_parser.hpp"
#include "sip/serializer.hpp"
#include "sip/uac_invite.hpp"
#include "sip/uas_invite.hpp"
#include "sip/user_agent.hpp"
#include "sip_test_util.hpp"

namespace tandem::sip::test {

inline PeerAddress addr(const char* ip, uint16_t port = 5060) {
  return {boost::asio::ip::make_address(ip), port};
}

struct Packet {
  PeerAddress from;
  PeerAddress to;
  Message message;
};

class LoopNetwork {
 public:
  void attach(const PeerAddress& address, TransportUser& user) {
    endpoints_[address.to_string()] = &user;
  }
  void send(const PeerAddress& from, const PeerAddress& to, std::string bytes) {
    queue_.push_back({from, to, std::move(bytes)});
  }
  // A message from a scripted peer, serialized and queued like any other.
  void inject(const Message& m, const PeerAddress& from, const PeerAddress& to) {
    send(from, to, serialize(m));
  }
  // Delivers until the queue is empty. Messages to addresses nobody attached are captured.
  void pump() {
    for (int guard = 0; !queue_.empty() && guard < 10000; ++guard) {
      Raw raw = std::move(queue_.front());
      queue_.pop_front();
      auto parsed = parse_message(raw.bytes, {}, Framing::kStream);
      ASSERT_TRUE(parsed) << parsed.error().reason << "\n" << raw.bytes;
      log_.push_back({raw.from, raw.to, *parsed});
      auto it = endpoints_.find(raw.to.to_string());
      if (it == endpoints_.end()) {
        captured_.push_back({raw.from, raw.to, std::move(*parsed)});
        continue;
      }
      it->second->on_message(std::move(*parsed), Flow{TransportKind::kTcp, raw.from, raw.to, 1});
    }
  }
  // Messages that went to scripted peers, oldest first; take() empties the list.
  std::vector<Packet> take() { return std::exchange(captured_, {}); }
  const std::vector<Packet>& log() const { return log_; }
  void clear_log() { log_.clear(); }

 private:
  struct Raw {
    PeerAddress from;
    PeerAddress to;
    std::string bytes;
  };
  std::map<std::string, TransportUser*> endpoints_;
  std::deque<Raw> queue_;
  std::vector<Packet> captured_;
  std::vector<Packet> log_;
};

class LoopTransport final : public Transport {
 public:
  LoopTransport(LoopNetwork& net, PeerAddress local) : net_(net), local_(local) {}
  TransportKind kind() const override { return TransportKind::kTcp; }
  PeerAddress local_address() const override { return local_; }
  bool send(std::string_view bytes, const Flow& flow) override {
    net_.send(local_, flow.remote, std::string(bytes));
    return true;
  }

 private:
  LoopNetwork& net_;
  PeerAddress local_;
};

// Flows on the loop network: every target is reached "over TCP" from `local`.
struct LoopOpener final : FlowOpener {
  explicit LoopOpener(PeerAddress local) : local(local) {}
  void open(const Target& t, FlowDone done) override {
    done(Flow{TransportKind::kTcp, t.address, local, 1});
  }
  std::optional<PeerAddress> local_address(TransportKind) const override { return local; }
  PeerAddress local;
};

// Next hops on the loop network: IP-literal URIs through the real target rules, and host names
// from `names` (name -> ordered addresses), so tests can fail over without DNS.
using LoopNames = std::map<std::string, std::vector<PeerAddress>>;
inline NextHop loop_next_hop(PeerAddress local, std::shared_ptr<LoopNames> names = {}) {
  auto opener = std::make_shared<LoopOpener>(local);
  return [opener, names](const Uri& uri, NextHopDone done) {
    if (names) {
      if (auto it = names->find(uri.host); it != names->end()) {
        NextHops hops{{}, opener};
        for (const PeerAddress& a : it->second) {
          hops.targets.push_back(Target{TransportKind::kTcp, a, uri.host, uri.host});
        }
        return done(std::move(hops));
      }
    }
    auto plan = plan_targets(uri);
    if (!plan) return done(plan.error());
    auto target = numeric_target(*plan);
    if (!target) return done(Error{"not an IP literal"});
    target->transport = TransportKind::kTcp;
    done(NextHops{{*target}, opener});
  };
}

struct FakeClock {
  TimePoint now = TimePoint{} + std::chrono::hours(1);
  void advance(Duration d) { now += d; }
};

// One user agent on the loop network that records what happens to it and answers as told.
class Party : public UserAgent::Listener, public InviteSession::Listener, public UacInviteListener {
 public:
  Party(LoopNetwork& net, FakeClock& clock, PeerAddress local, CredentialsLookup credentials = {},
        std::shared_ptr<LoopNames> names = {})
      : local_(local),
        ua_(io_, make_config(clock, local, std::move(credentials), std::move(names)), *this),
        transport_(net, local) {
    ua_.layer().add_transport(transport_);
    net.attach(local, ua_.layer());
  }

  UserAgent& ua() { return ua_; }
  const PeerAddress& address() const { return local_; }
  Uri uri(const char* user) const {
    return *parse_uri("sip:" + std::string(user) + "@" + local_.to_string());
  }
  NameAddr name_addr(const char* user) const { return NameAddr{{}, uri(user), {}}; }

  // What to do with incoming INVITEs: the statuses to answer with, in order (empty: nothing).
  std::vector<int> answer_with{180, 200};
  // Status for in-dialog requests handed to the listener (re-INVITE, INFO, ...).
  int in_dialog_status = 200;
  std::vector<std::string> events;
  InviteSession* session = nullptr;    // the last answered or confirmed session
  IncomingInvite* incoming = nullptr;  // the last incoming INVITE, while unanswered
  UacInvite* outgoing = nullptr;

  UacInvite& call(const Party& callee, std::string sdp = "v=0\r\n") {
    Message invite =
        ua_.make_request("INVITE", callee.uri("bob"), name_addr("alice"), callee.name_addr("bob"));
    invite.add(HeaderId::kContentType, "application/sdp");
    invite.set_body(std::move(sdp));
    outgoing = &ua_.invite(std::move(invite), *this);
    return *outgoing;
  }
  UacInvite& call_uri(const Uri& target) {
    Message invite =
        ua_.make_request("INVITE", target, name_addr("alice"), NameAddr{{}, target, {}});
    outgoing = &ua_.invite(std::move(invite), *this);
    return *outgoing;
  }

  // UserAgent::Listener
  void on_invite(IncomingInvite& invite) override {
    events.push_back("invite");
    incoming = &invite;
    for (int status : answer_with) {
      InviteSession* s = invite.respond(status, status >= 200 && status < 300 ? "v=0\r\n" : "");
      if (s != nullptr) {
        s->set_listener(this);
        if (status >= 200) session = s;
      }
    }
    if (invite.finished()) incoming = nullptr;
  }
  void on_cancelled(IncomingInvite&) override {
    events.push_back("cancelled");
    incoming = nullptr;
  }
  void on_request_outside_dialog(UserAgent& ua, const IncomingRequest& r) override {
    events.push_back("request " + r.request.method());
    ua.respond(r, 200);
  }
  // InviteSession::Listener
  void on_request(InviteSession& s, const IncomingRequest& r) override {
    events.push_back("in-dialog " + r.request.method());
    s.respond(r, in_dialog_status, r.request.method() == "INVITE" ? "v=0\r\n" : "");
  }
  void on_ack(InviteSession&, const Message&) override { events.push_back("ack"); }
  void on_terminated(InviteSession& s, SessionEnd end) override {
    events.push_back("terminated " + std::string(to_string(end)));
    if (session == &s) session = nullptr;
  }
  // UacInviteListener
  void on_progress(UacInvite&, const Message& r, InviteSession* early) override {
    events.push_back("progress " + std::to_string(r.status()) + (early ? " early" : ""));
    if (early != nullptr) early->set_listener(this);
  }
  void on_answered(UacInvite&, InviteSession& s, const Message& r) override {
    events.push_back("answered " + std::string(r.to()->tag()));
    s.set_listener(this);
    session = &s;
  }
  void on_failed(UacInvite&, const Message& r) override {
    events.push_back("failed " + std::to_string(r.status()));
    outgoing = nullptr;
  }

  std::vector<std::string> take() { return std::exchange(events, {}); }

 private:
  static UserAgentConfig make_config(FakeClock& clock, PeerAddress local,
                                     CredentialsLookup credentials,
                                     std::shared_ptr<LoopNames> names) {
    UserAgentConfig c;
    c.now = [&clock] { return clock.now; };
    c.asio_timers = false;
    c.next_hop = loop_next_hop(local, std::move(names));
    c.credentials = std::move(credentials);
    return c;
  }

  boost::asio::io_context io_;
  PeerAddress local_;
  UserAgent ua_;
  LoopTransport transport_;
};

// Methods (requests) or statuses (responses) of packets, in order: "INVITE", "180", "ACK".
inline std::vector<std::string> summary(const std::vector<Packet>& packets) {
  std::vector<std::string> out;
  for (const Packet& p : packets) {
    out.push_back(p.message.is_request() ? p.message.method() : std::to_string(p.message.status()));
  }
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace tandem::sip::test

namespace tandem::sip::test {

// A response a scripted peer sends: To tag, optional Contact and Record-Route values.
inline Message scripted_response(const Message& request, int status, const std::string& tag,
                                 const std::string& contact = {},
                                 const std::vector<std::string>& record_routes = {}) {
  Message r = make_response(request, status, {}, tag);
  for (const std::string& rr : record_routes) r.add(HeaderId::kRecordRoute, rr);
  if (!contact.empty()) r.add(HeaderId::kContact, contact);
  return r;
}

inline std::string to_tag(const Message& m) { return std::string(m.to()->tag()); }

}  // namespace tandem::sip::test
