// DnsResolver's own behaviour that needs no name server's data: timeouts against a server that
// never answers (a bound UDP socket the test never reads), cancellation on destruction, and bad
// input. Answers from a real server are checked against dnsmasq in tests/interop/dns/.
#include "sip/dns_resolver.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

namespace tandem::sip {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

struct BlackHole {
  asio::io_context io;
  asio::ip::udp::socket silent{io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  DnsOptions options() {
    DnsOptions o;
    o.servers = {{asio::ip::make_address("127.0.0.1"), silent.local_endpoint().port()}};
    o.timeout = 100ms;
    o.tries = 1;
    return o;
  }
};

TEST(DnsResolver, SilentServerTimesOut) {
  BlackHole b;
  auto resolver = DnsResolver::create(b.io, b.options());
  ASSERT_TRUE(resolver) << resolver.error().reason;
  // Only plain values leave the callback (GCC 12 -O3 misreads an optional<Result> there).
  std::optional<std::string> error;
  (*resolver)->srv("_sip._udp.example.test", [&](const DnsAnswer<SrvRecord>& a) {
    error = a ? std::string("records") : a.error().reason;
  });
  EXPECT_FALSE(error);  // never from inside the call
  b.io.run_for(3s);
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("timeout"), std::string::npos) << *error;
  EXPECT_EQ((*resolver)->watched_sockets(), 0u);
}

TEST(DnsResolver, DestructionCancelsWithoutCallbacks) {
  BlackHole b;
  int calls = 0;
  {
    auto resolver = DnsResolver::create(b.io, b.options());
    ASSERT_TRUE(resolver);
    (*resolver)->a("a.example.test", [&](auto) { ++calls; });
    (*resolver)->naptr("example.test", [&](auto) { ++calls; });
    b.io.run_for(20ms);  // the queries are on the wire, the socket watched
    EXPECT_GT((*resolver)->watched_sockets(), 0u);
  }
  b.io.restart();
  b.io.run_for(300ms);
  EXPECT_EQ(calls, 0);
}

TEST(DnsResolver, CallbackMayDestroyTheResolver) {
  BlackHole b;
  auto resolver = DnsResolver::create(b.io, b.options());
  ASSERT_TRUE(resolver);
  std::unique_ptr<DnsResolver> owned = std::move(*resolver);
  int calls = 0;
  owned->a("a.example.test", [&](auto) {
    ++calls;
    owned.reset();
  });
  owned->aaaa("a.example.test", [&](auto) { ++calls; });
  b.io.run_for(3s);
  EXPECT_EQ(calls, 1);
}

TEST(DnsResolver, BadNameIsAClearError) {
  BlackHole b;
  auto resolver = DnsResolver::create(b.io, b.options());
  ASSERT_TRUE(resolver);
  std::optional<std::string> error;
  (*resolver)->a("bad..name", [&](const DnsAnswer<asio::ip::address>& a) {
    error = a ? std::string("addresses") : a.error().reason;
  });
  b.io.run_for(1s);
  ASSERT_TRUE(error);
  EXPECT_NE(*error, "addresses");
}

}  // namespace
}  // namespace tandem::sip
