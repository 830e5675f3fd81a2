// DTLS-SRTP handshakes per second per core: complete DTLS 1.2 handshakes (ECDSA P-256
// certificates, use_srtp, RFC 5764 key export into SRTP sessions) between two in-process
// DtlsTransport endpoints whose datagrams are handed over in memory. See bench/README.md.
//
//   tandem_bench_dtls_handshake [--quick]
//
// Each side's work is timed separately with the thread's CPU clock around every call into it
// (construction, start, each datagram, destruction), so the server-side figure is what a
// gateway answering browsers (a=setup:passive) spends; "both sides" is the whole thread's CPU
// time per handshake, the shuttle included, i.e. one core doing both ends.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bench_util.hpp"
#include "common/clock.hpp"
#include "dtls/dtls_certificate.hpp"
#include "dtls/dtls_context.hpp"
#include "dtls/dtls_listener.hpp"
#include "dtls/dtls_transport.hpp"
#include "srtp/profile.hpp"

namespace {

using tandem::bench::Rounds;
using tandem::dtls::DtlsContext;
using tandem::dtls::DtlsTransport;
using tandem::dtls::Role;
using tandem::dtls::State;

constexpr double kGoalPerSecond = 750;  // issue 4: at least 750 handshakes/s per core

struct Config {
  size_t handshakes = 25;  // per round
  int min_rounds = 5;
  int64_t budget_ns = 1'000'000'000;  // timed CPU after the minimum rounds
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "tandem_bench_dtls_handshake: %s\n", what.c_str());
  std::exit(2);
}

// Collects what one endpoint sends (delivered to the other by the shuttle) and its outcome.
struct Endpoint final : tandem::dtls::DtlsListener {
  void on_dtls_send(std::span<const uint8_t> datagram) override {
    outbox.emplace_back(datagram.begin(), datagram.end());
  }
  void on_dtls_connected(const tandem::dtls::SrtpKeyMaterial& k,
                         tandem::dtls::SrtpSessionPair s) override {
    keys.emplace(k);
    sessions.emplace(std::move(s));
  }
  void on_dtls_failed(std::string_view reason) override { failure = std::string(reason); }
  void on_dtls_closed() override { failure = "closed"; }

  std::vector<std::vector<uint8_t>> outbox;
  std::optional<tandem::dtls::SrtpKeyMaterial> keys;
  std::optional<tandem::dtls::SrtpSessionPair> sessions;
  std::string failure;
  std::unique_ptr<DtlsTransport> transport;
  int64_t cpu_ns = 0;  // spent inside this endpoint's calls

  template <typename F>
  void timed(F&& f) {
    const int64_t start = tandem::bench::thread_cpu_ns();
    f();
    cpu_ns += tandem::bench::thread_cpu_ns() - start;
  }
};

// Hands every queued datagram of `from` to `to`; returns how many.
size_t deliver(Endpoint& from, Endpoint& to) {
  std::vector<std::vector<uint8_t>> batch;
  batch.swap(from.outbox);
  for (const auto& datagram : batch) {
    to.timed([&] { to.transport->on_datagram(datagram, tandem::SteadyClock::now()); });
  }
  return batch.size();
}

struct HandshakeCost {
  int64_t client_ns = 0;
  int64_t server_ns = 0;
  std::optional<tandem::srtp::Profile> profile;
};

// One complete handshake, checked: both connected, same exported keying material.
HandshakeCost handshake(const DtlsContext& client_context, const DtlsContext& server_context) {
  Endpoint client;
  Endpoint server;
  client.timed([&] {
    client.transport = std::make_unique<DtlsTransport>(client_context, Role::kClient, "sha-256",
                                                       server_context.fingerprint_sha256(), client);
  });
  server.timed([&] {
    server.transport = std::make_unique<DtlsTransport>(server_context, Role::kServer, "sha-256",
                                                       client_context.fingerprint_sha256(), server);
  });
  server.timed([&] { server.transport->start(tandem::SteadyClock::now()); });
  client.timed([&] { client.transport->start(tandem::SteadyClock::now()); });
  for (int step = 0; step < 20; ++step) {
    if (deliver(client, server) + deliver(server, client) == 0) break;
  }
  if (client.transport->state() != State::kConnected ||
      server.transport->state() != State::kConnected || !client.keys || !server.keys ||
      !std::ranges::equal(client.keys->exported(), server.keys->exported())) {
    die("handshake did not complete: client " + client.failure + ", server " + server.failure);
  }
  HandshakeCost cost;
  cost.profile = server.transport->srtp_profile();
  client.timed([&] { client.transport.reset(); });
  server.timed([&] { server.transport.reset(); });
  cost.client_ns = client.cpu_ns;
  cost.server_ns = server.cpu_ns;
  return cost;
}

DtlsContext make_context(std::string_view name) {
  auto certificate = tandem::dtls::DtlsCertificate::generate(name);
  if (!certificate) die("certificate: " + certificate.error().reason);
  auto context = DtlsContext::create(*certificate);
  if (!context) die("context: " + context.error().reason);
  return std::move(context).value();
}

void print_line(const char* what, const Rounds& rounds, const char* note) {
  const double per_second = 1e9 / rounds.median();
  std::printf(
      "dtls  %-18s %7.3f ms CPU/handshake (best %7.3f)  %7.0f handshakes/s per core  "
      "(goal ≥ 750/s)  %s  %s\n",
      what, rounds.median() / 1e6, rounds.best() / 1e6, per_second,
      tandem::bench::verdict(per_second, kGoalPerSecond, false), note);
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  if (tandem::bench::quick_mode(argc, argv)) config = Config{2, 1, 0};
  // Certificates and contexts are made once, as at process start.
  const DtlsContext server_context = make_context("tandem");
  const DtlsContext client_context = make_context("browser");

  const HandshakeCost first = handshake(client_context, server_context);  // warm-up
  Rounds both;
  Rounds server;
  Rounds client;
  int64_t spent = 0;
  for (int round = 0; round < config.min_rounds || spent < config.budget_ns; ++round) {
    int64_t server_ns = 0;
    int64_t client_ns = 0;
    const int64_t start = tandem::bench::thread_cpu_ns();
    for (size_t i = 0; i < config.handshakes; ++i) {
      const HandshakeCost cost = handshake(client_context, server_context);
      server_ns += cost.server_ns;
      client_ns += cost.client_ns;
    }
    const int64_t total = tandem::bench::thread_cpu_ns() - start;
    spent += total;
    both.add(total, config.handshakes);
    server.add(server_ns, config.handshakes);
    client.add(client_ns, config.handshakes);
  }
  const std::string_view profile =
      first.profile ? tandem::srtp::profile_info(*first.profile).sdes_name : "none";
  std::printf(
      "dtls  DTLS 1.2 handshakes in memory, ECDSA P-256 both ends, SRTP profile %s, key "
      "export and SRTP sessions included; thread CPU time, median of rounds of %zu "
      "(best in brackets)\n",
      std::string(profile).c_str(), config.handshakes);
  print_line("server side only", server, "<- the gateway's cost (DTLS server, setup:passive)");
  print_line("client side only", client, "(the browser's part, for reference)");
  print_line("both sides", both, "(one core running both ends, shuttle included)");
  return 0;
}
