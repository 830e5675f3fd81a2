// RFC 3263 target selection with canned DNS records (no network): URI plans, NAPTR filtering,
// RFC 2782 SRV ordering with a seeded random source, and the NAPTR -> SRV -> A/AAAA chain.
#include "sip/target_resolver.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <map>
#include <random>

#include "sip/target_next_hop.hpp"

namespace tandem::sip {
namespace {

namespace asio = boost::asio;
using asio::ip::make_address;

Uri uri(std::string_view text) {
  auto u = parse_uri(text);
  EXPECT_TRUE(u) << text;
  return *u;
}

// Canned answers by name; unknown names are NXDOMAIN. Records every question asked, and answers
// later on the io_context as the real resolver does.
class FakeDns final : public DnsLookup {
 public:
  explicit FakeDns(asio::io_context& io) : io_(io) {}

  std::map<std::string, std::vector<NaptrRecord>> naptrs;
  std::map<std::string, std::vector<SrvRecord>> srvs;
  std::map<std::string, std::vector<std::string>> as;
  std::map<std::string, std::vector<std::string>> aaaas;
  std::map<std::string, Error> failures;  // "SRV _sip._udp.x" -> error
  std::vector<std::string> asked;

  void naptr(const std::string& name, DnsCallback<NaptrRecord> done) override {
    answer("NAPTR", name, naptrs, std::move(done), [](auto r) { return r; });
  }
  void srv(const std::string& name, DnsCallback<SrvRecord> done) override {
    answer("SRV", name, srvs, std::move(done), [](auto r) { return r; });
  }
  void a(const std::string& name, DnsCallback<asio::ip::address> done) override {
    answer("A", name, as, std::move(done), to_addresses);
  }
  void aaaa(const std::string& name, DnsCallback<asio::ip::address> done) override {
    answer("AAAA", name, aaaas, std::move(done), to_addresses);
  }

  // The name exists (so other types are NODATA, not NXDOMAIN).
  void exists(const std::string& name) { names_.push_back(name); }

 private:
  static std::vector<asio::ip::address> to_addresses(const std::vector<std::string>& in) {
    std::vector<asio::ip::address> out;
    out.reserve(in.size());
    for (const auto& s : in) out.push_back(make_address(s));
    return out;
  }

  bool known(const std::string& name) const {
    auto has = [&](const auto& m) { return m.contains(name); };
    return has(naptrs) || has(srvs) || has(as) || has(aaaas) ||
           std::find(names_.begin(), names_.end(), name) != names_.end();
  }

  template <typename Map, typename T, typename Convert>
  void answer(const std::string& type, const std::string& name, const Map& map, DnsCallback<T> done,
              Convert convert) {
    asked.push_back(type + " " + name);
    DnsAnswer<T> result = std::vector<T>{};
    if (auto f = failures.find(type + " " + name); f != failures.end()) {
      result = f->second;
    } else if (auto it = map.find(name); it != map.end()) {
      result = convert(it->second);
    } else if (!known(name)) {
      result = Error{"NXDOMAIN: " + name + " does not exist", 0, 0, kDnsNxDomain};
    }
    asio::post(io_, [done = std::move(done), result = std::move(result)]() mutable {
      done(std::move(result));
    });
  }

  asio::io_context& io_;
  std::vector<std::string> names_;
};

// A RandomPick over a seeded engine: the same seed gives the same order.
RandomPick seeded(uint32_t seed) {
  auto engine = std::make_shared<std::mt19937>(seed);
  return [engine](uint32_t upper) {
    return std::uniform_int_distribution<uint32_t>(0, upper)(*engine);
  };
}

std::vector<std::string> names(const std::vector<Target>& targets) {
  std::vector<std::string> out;
  out.reserve(targets.size());
  for (const auto& t : targets) out.push_back(t.to_string());
  return out;
}

struct Fixture {
  asio::io_context io;
  FakeDns dns{io};
  TargetOptions options;

  Result<std::vector<Target>> resolve(std::string_view text, RandomPick random = seeded(1)) {
    TargetResolver resolver(io, dns, options, std::move(random));
    std::optional<Result<std::vector<Target>>> out;
    resolver.resolve(uri(text), [&](Result<std::vector<Target>> r) { out.emplace(std::move(r)); });
    EXPECT_FALSE(out) << "the callback must not run inside resolve()";
    io.run();
    io.restart();
    EXPECT_TRUE(out);
    EXPECT_EQ(resolver.pending(), 0u);
    return out ? std::move(*out) : Result<std::vector<Target>>(Error{"no callback"});
  }
};

// --- plans (§4.1) ---

TEST(TargetPlan, NumericHostsAndExplicitPortsImplyUdpOrTls) {
  auto p = plan_targets(uri("sip:10.0.0.1"));
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->numeric);
  EXPECT_EQ(p->transport, TransportKind::kUdp);
  p = plan_targets(uri("sips:[2001:db8::1]"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->host, "2001:db8::1");
  EXPECT_EQ(p->transport, TransportKind::kTls);
  p = plan_targets(uri("sip:example.com:5080"));
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->numeric);
  EXPECT_EQ(p->transport, TransportKind::kUdp);
  EXPECT_EQ(p->port, 5080);
  p = plan_targets(uri("sip:example.com"));
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->transport);  // left to NAPTR
}

TEST(TargetPlan, TransportParameterAndMaddr) {
  auto p = plan_targets(uri("sip:bob@example.com;transport=TCP"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->transport, TransportKind::kTcp);
  p = plan_targets(uri("sips:bob@example.com;transport=tcp"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->transport, TransportKind::kTls);
  p = plan_targets(uri("sip:bob@example.com;maddr=192.0.2.7"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->host, "192.0.2.7");
  EXPECT_TRUE(p->numeric);
}

TEST(TargetPlan, RefusesWhatCannotBeResolved) {
  EXPECT_FALSE(plan_targets(uri("sips:bob@example.com;transport=udp")));
  EXPECT_FALSE(plan_targets(uri("sip:bob@example.com;transport=sctp")));
  EXPECT_FALSE(plan_targets(uri("tel:+15551234")));
}

// --- NAPTR (§4.1) ---

TEST(SelectNaptr, OrdersByOrderThenPreferenceAndFiltersServices) {
  std::vector<NaptrRecord> records = {
      {20, 10, "s", "SIP+D2U", "", "_sip._udp.example.com"},
      {10, 50, "S", "SIPS+D2T", "", "_sips._tcp.example.com"},
      {10, 20, "s", "SIP+D2T", "", "_sip._tcp.example.com"},
      {5, 10, "u", "E2U+sip", "!^.*$!sip:info@example.com!", ""},  // not for SIP resolution
      {5, 10, "s", "SIP+D2S", "", "_sip._sctp.example.com"},       // SCTP: not ours
      {10, 10, "s", "SIP+D2W", "", "_sip._ws.example.com"},        // WS: not enabled here
  };
  const std::vector<TransportKind> ours = {TransportKind::kUdp, TransportKind::kTcp,
                                           TransportKind::kTls};
  auto sip = select_naptr(records, false, ours);
  ASSERT_EQ(sip.size(), 3u);
  EXPECT_EQ(sip[0].srv_name, "_sip._tcp.example.com");
  EXPECT_EQ(sip[0].transport, TransportKind::kTcp);
  EXPECT_EQ(sip[1].srv_name, "_sips._tcp.example.com");
  EXPECT_EQ(sip[1].transport, TransportKind::kTls);
  EXPECT_EQ(sip[2].transport, TransportKind::kUdp);
  auto sips = select_naptr(records, true, ours);
  ASSERT_EQ(sips.size(), 1u);
  EXPECT_EQ(sips[0].transport, TransportKind::kTls);
  EXPECT_TRUE(select_naptr(records, false, {}).empty());
}

// --- SRV ordering (RFC 2782) ---

TEST(OrderSrv, PriorityFirstThenWeightedRandomWithinAPriority) {
  std::vector<SrvRecord> records = {
      {20, 0, 5060, "backup.example.com"},
      {10, 60, 5060, "a.example.com"},
      {10, 20, 5060, "b.example.com"},
      {10, 20, 5060, "c.example.com"},
      {0, 0, 5060, "."},  // "not available" targets are dropped
  };
  std::map<std::string, int> first;
  auto random = seeded(42);
  constexpr int kRounds = 10000;
  for (int i = 0; i < kRounds; ++i) {
    auto ordered = order_srv(records, random);
    ASSERT_EQ(ordered.size(), 4u);
    EXPECT_EQ(ordered[3].target, "backup.example.com");  // lowest priority always last
    ++first[ordered[0].target];
  }
  // Expected shares 60%, 20%, 20%; a seeded engine makes the figures reproducible.
  EXPECT_NEAR(first["a.example.com"], kRounds * 0.6, kRounds * 0.03);
  EXPECT_NEAR(first["b.example.com"], kRounds * 0.2, kRounds * 0.03);
  EXPECT_NEAR(first["c.example.com"], kRounds * 0.2, kRounds * 0.03);
}

TEST(OrderSrv, TheDrawSelectsByRunningSum) {
  // Weight-0 records move to the front; the rest keep their order: w0, w30, w10 with running
  // sums 0, 30, 40. A draw of 0 takes w0, 1..30 takes w30, 31..40 takes w10.
  std::vector<SrvRecord> records = {{1, 30, 1, "w30"}, {1, 10, 1, "w10"}, {1, 0, 1, "w0"}};
  auto fixed = [](uint32_t value) {
    return [value](uint32_t upper) { return std::min(value, upper); };
  };
  EXPECT_EQ(order_srv(records, fixed(0))[0].target, "w0");
  EXPECT_EQ(order_srv(records, fixed(1))[0].target, "w30");
  EXPECT_EQ(order_srv(records, fixed(30))[0].target, "w30");
  EXPECT_EQ(order_srv(records, fixed(31))[0].target, "w10");
  // Draws of 40 (clamped to each round's total): w10, then w30 (sums 0, 30), then w0.
  auto all = order_srv(records, fixed(40));
  EXPECT_EQ(all[0].target, "w10");
  EXPECT_EQ(all[1].target, "w30");
  EXPECT_EQ(all[2].target, "w0");
}

TEST(OrderSrv, SameSeedSameOrder) {
  std::vector<SrvRecord> records;
  records.reserve(8);
  for (int i = 0; i < 8; ++i) records.push_back({1, 10, 5060, "h" + std::to_string(i)});
  auto first = order_srv(records, seeded(7));
  auto second = order_srv(records, seeded(7));
  for (size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i].target, second[i].target);
}

// --- the whole chain ---

TEST(TargetResolver, NumericHostNeedsNoDns) {
  Fixture f;
  auto r = f.resolve("sip:alice@192.0.2.1;transport=tcp");
  ASSERT_TRUE(r) << r.error().reason;
  EXPECT_EQ(names(*r), std::vector<std::string>{"TCP 192.0.2.1:5060"});
  r = f.resolve("sips:[2001:db8::5]:5071");
  ASSERT_TRUE(r);
  EXPECT_EQ(names(*r), std::vector<std::string>{"TLS [2001:db8::5]:5071"});
  EXPECT_TRUE(f.dns.asked.empty());
}

TEST(TargetResolver, ExplicitPortAsksOnlyForAddresses) {
  Fixture f;
  f.dns.as["pbx.example.com"] = {"192.0.2.10"};
  f.dns.aaaas["pbx.example.com"] = {"2001:db8::10"};
  auto r = f.resolve("sip:pbx.example.com:5080");
  ASSERT_TRUE(r) << r.error().reason;
  EXPECT_EQ(names(*r), (std::vector<std::string>{"UDP 192.0.2.10:5080 (pbx.example.com)",
                                                 "UDP [2001:db8::10]:5080 (pbx.example.com)"}));
  EXPECT_EQ(f.dns.asked, (std::vector<std::string>{"A pbx.example.com", "AAAA pbx.example.com"}));
}

TEST(TargetResolver, NaptrThenSrvThenAddresses) {
  Fixture f;
  f.dns.naptrs["example.com"] = {{10, 10, "s", "SIP+D2T", "", "_sip._tcp.example.com"},
                                 {20, 10, "s", "SIP+D2U", "", "_sip._udp.example.com"}};
  f.dns.srvs["_sip._tcp.example.com"] = {{10, 1, 5070, "one.example.com"},
                                         {20, 1, 5071, "two.example.com"}};
  f.dns.srvs["_sip._udp.example.com"] = {{10, 1, 5072, "one.example.com"}};
  f.dns.as["one.example.com"] = {"192.0.2.1"};
  f.dns.aaaas["one.example.com"] = {"2001:db8::1"};
  f.dns.as["two.example.com"] = {"192.0.2.2"};
  f.dns.exists("two.example.com");  // no AAAA: NODATA
  auto r = f.resolve("sip:bob@example.com");
  ASSERT_TRUE(r) << r.error().reason;
  EXPECT_EQ(names(*r), (std::vector<std::string>{
                           "TCP 192.0.2.1:5070 (one.example.com)",
                           "TCP [2001:db8::1]:5070 (one.example.com)",
                           "TCP 192.0.2.2:5071 (two.example.com)",
                           "UDP 192.0.2.1:5072 (one.example.com)",
                           "UDP [2001:db8::1]:5072 (one.example.com)",
                       }));
  EXPECT_EQ(f.dns.asked[0], "NAPTR example.com");
  for (const Target& t : *r) EXPECT_EQ(t.domain, "example.com");  // the TLS name (RFC 5922)
  // Each host is asked once even when several SRV records name it.
  EXPECT_EQ(std::count(f.dns.asked.begin(), f.dns.asked.end(), "A one.example.com"), 1);
}

TEST(TargetResolver, NoNaptrMeansSrvForEachTransport) {
  Fixture f;
  f.dns.exists("example.com");
  f.dns.srvs["_sip._tcp.example.com"] = {{10, 1, 5060, "tcp.example.com"}};
  f.dns.as["tcp.example.com"] = {"192.0.2.3"};
  f.dns.exists("tcp.example.com");
  auto r = f.resolve("sip:example.com");
  ASSERT_TRUE(r) << r.error().reason;
  EXPECT_EQ(names(*r), std::vector<std::string>{"TCP 192.0.2.3:5060 (tcp.example.com)"});
  EXPECT_EQ(std::count(f.dns.asked.begin(), f.dns.asked.end(), "SRV _sip._udp.example.com"), 1);
}

TEST(TargetResolver, NoSrvFallsBackToAddressesAtTheDefaultPort) {
  Fixture f;
  f.dns.as["example.com"] = {"192.0.2.4"};
  f.options.ipv6 = false;
  auto r = f.resolve("sip:example.com");
  ASSERT_TRUE(r) << r.error().reason;
  EXPECT_EQ(names(*r), std::vector<std::string>{"UDP 192.0.2.4:5060 (example.com)"});
  r = f.resolve("sips:example.com");
  ASSERT_TRUE(r) << r.error().reason;
  EXPECT_EQ(names(*r), std::vector<std::string>{"TLS 192.0.2.4:5061 (example.com)"});
}

TEST(TargetResolver, ExplicitTransportSkipsNaptr) {
  Fixture f;
  f.dns.srvs["_sips._tcp.example.com"] = {{1, 1, 5061, "tls.example.com"}};
  f.dns.as["tls.example.com"] = {"192.0.2.5"};
  f.dns.exists("tls.example.com");
  auto r = f.resolve("sip:example.com;transport=tls");
  ASSERT_TRUE(r) << r.error().reason;
  EXPECT_EQ(names(*r), std::vector<std::string>{"TLS 192.0.2.5:5061 (tls.example.com)"});
  EXPECT_EQ(f.dns.asked.front(), "SRV _sips._tcp.example.com");
}

TEST(TargetResolver, PrefersIpv6WhenAsked) {
  Fixture f;
  f.dns.as["h.example.com"] = {"192.0.2.6"};
  f.dns.aaaas["h.example.com"] = {"2001:db8::6"};
  f.options.prefer_ipv6 = true;
  auto r = f.resolve("sip:h.example.com:5060");
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].address.ip, make_address("2001:db8::6"));
}

TEST(TargetResolver, NxDomainIsAClearError) {
  Fixture f;
  auto r = f.resolve("sip:nowhere.example.com");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, kDnsNxDomain);
  EXPECT_NE(r.error().reason.find("nowhere.example.com does not exist"), std::string::npos)
      << r.error().reason;
}

TEST(TargetResolver, ServerFailureIsReportedWhenNothingResolves) {
  Fixture f;
  f.dns.exists("example.com");
  f.dns.failures["A example.com"] =
      Error{"SERVFAIL: the name server failed", 0, 0, kDnsServerFailure};
  f.options.ipv6 = false;
  auto r = f.resolve("sip:example.com:5060");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, kDnsServerFailure);
}

TEST(TargetResolver, ATimeoutIsReportedOverNxDomain) {
  Fixture f;
  f.dns.failures["SRV _sip._udp.example.com"] = Error{"timeout: no name server answered"};
  auto r = f.resolve("sip:example.com");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "cannot resolve example.com: timeout: no name server answered");
}

TEST(TargetResolver, TargetsAreCapped) {
  Fixture f;
  for (int i = 0; i < 50; ++i)
    f.dns.as["many.example.com"].push_back("192.0.2." + std::to_string(i));
  f.options.ipv6 = false;
  f.options.max_targets = 5;
  auto r = f.resolve("sip:many.example.com:5060");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->size(), 5u);
}

TEST(TargetResolver, UnsupportedTransportIsAnError) {
  Fixture f;
  f.options.transports = {TransportKind::kUdp};
  auto r = f.resolve("sip:192.0.2.1;transport=tcp");
  EXPECT_FALSE(r);
}

TEST(TargetResolver, DestroyedResolverNeverCallsBack) {
  asio::io_context io;
  FakeDns dns(io);
  dns.as["h.example.com"] = {"192.0.2.6"};
  bool called = false;
  {
    TargetResolver resolver(io, dns);
    resolver.resolve(uri("sip:h.example.com:5060"), [&](auto) { called = true; });
    resolver.resolve(uri("sip:192.0.2.1"), [&](auto) { called = true; });
  }
  io.run();
  EXPECT_FALSE(called);
}

// --- the user agent core's seam ---

struct RefusingOpener final : FlowOpener {
  std::vector<uint16_t> refused_ports;
  std::vector<std::string> opened;
  void open(const Target& t, FlowDone done) override {
    opened.push_back(t.to_string());
    if (std::find(refused_ports.begin(), refused_ports.end(), t.address.port) !=
        refused_ports.end()) {
      return done(Error{"refused " + t.address.to_string()});
    }
    done(Flow{t.transport, t.address, {}, 9});
  }
  std::optional<PeerAddress> local_address(TransportKind) const override { return {}; }
};

TEST(ResolvingNextHop, ListsTargetsInOrderAndOpenFirstSkipsUnreachableOnes) {
  Fixture f;
  f.dns.srvs["_sip._tcp.example.com"] = {{10, 1, 5070, "one.example.com"},
                                         {20, 1, 5071, "two.example.com"}};
  f.dns.as["one.example.com"] = {"192.0.2.1"};
  f.dns.as["two.example.com"] = {"192.0.2.2"};
  f.options.ipv6 = false;
  TargetResolver resolver(f.io, f.dns, f.options, seeded(1));
  RefusingOpener opener;
  opener.refused_ports = {5070};
  NextHop next_hop = ResolvingNextHop(resolver, opener);
  // The core gets every target in order, with the opener that reaches them.
  std::optional<Result<NextHops>> hops;
  next_hop(uri("sip:example.com;transport=tcp"),
           [&](Result<NextHops> r) { hops.emplace(std::move(r)); });
  f.io.run();
  f.io.restart();
  ASSERT_TRUE(hops && *hops);
  ASSERT_EQ((*hops)->targets.size(), 2u);
  EXPECT_EQ((*hops)->targets[0].to_string(), "TCP 192.0.2.1:5070 (one.example.com)");
  EXPECT_EQ((*hops)->targets[1].to_string(), "TCP 192.0.2.2:5071 (two.example.com)");
  EXPECT_EQ((*hops)->opener.get(), &opener);
  EXPECT_TRUE(opener.opened.empty());  // resolving opens nothing

  std::optional<Result<Flow>> flow;
  open_first(next_hop, uri("sip:example.com;transport=tcp"),
             [&](Result<Flow> r) { flow.emplace(std::move(r)); });
  f.io.run();
  ASSERT_TRUE(flow && *flow);
  EXPECT_EQ((*flow)->remote.to_string(), "192.0.2.2:5071");
  EXPECT_EQ(opener.opened.size(), 2u);

  opener.refused_ports = {5070, 5071};
  flow.reset();
  f.io.restart();
  open_first(next_hop, uri("sip:example.com;transport=tcp"),
             [&](Result<Flow> r) { flow.emplace(std::move(r)); });
  f.io.run();
  ASSERT_TRUE(flow);
  ASSERT_FALSE(*flow);
  EXPECT_EQ(flow->error().reason,
            "no target reachable: refused 192.0.2.1:5070; refused 192.0.2.2:5071");

  flow.reset();
  f.io.restart();
  open_first(next_hop, uri("sip:nowhere.example.com"),
             [&](Result<Flow> r) { flow.emplace(std::move(r)); });
  f.io.run();
  ASSERT_TRUE(flow);
  ASSERT_FALSE(*flow);
  EXPECT_EQ(flow->error().status, kDnsNxDomain);
}

// IP literals take the same rules as the resolver's numeric case, without any DNS.
TEST(LiteralNextHop, NumericHostsOnly) {
  LiteralNextHop literal(nullptr, nullptr, nullptr);
  auto first = [&](const char* text) -> Result<std::string> {
    std::optional<Result<NextHops>> hops;
    literal(uri(text), [&](Result<NextHops> r) { hops.emplace(std::move(r)); });
    if (!hops) return Error{"no answer"};
    if (!*hops) return hops->error();
    EXPECT_EQ((*hops)->targets.size(), 1u);
    EXPECT_NE((*hops)->opener, nullptr);
    return (*hops)->targets.front().to_string();
  };
  EXPECT_EQ(*first("sip:192.0.2.1"), "UDP 192.0.2.1:5060");
  EXPECT_EQ(*first("sip:bob@192.0.2.1:5070;transport=tcp"), "TCP 192.0.2.1:5070");
  EXPECT_EQ(*first("sips:192.0.2.1"), "TLS 192.0.2.1:5061");
  EXPECT_EQ(*first("sip:[2001:db8::1]:5080"), "UDP [2001:db8::1]:5080");
  EXPECT_EQ(*first("sip:h.example.com;maddr=192.0.2.9"), "UDP 192.0.2.9:5060");
  EXPECT_FALSE(first("sip:h.example.com"));
  EXPECT_FALSE(first("sips:192.0.2.1;transport=udp"));
}

}  // namespace
}  // namespace tandem::sip
