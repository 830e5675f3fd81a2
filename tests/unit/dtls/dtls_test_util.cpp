#include "dtls_test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace tandem::dtls::test {
namespace {

template <typename F>
std::chrono::nanoseconds timed(F&& f) {
  const auto begin = std::chrono::steady_clock::now();
  f();
  return std::chrono::steady_clock::now() - begin;
}

bool settled(const DtlsTransport& t) { return t.state() != State::kConnecting; }

}  // namespace

const DtlsCertificate& client_certificate() {
  static const DtlsCertificate certificate = DtlsCertificate::generate("client").value();
  return certificate;
}

const DtlsCertificate& server_certificate() {
  static const DtlsCertificate certificate = DtlsCertificate::generate("server").value();
  return certificate;
}

DtlsContext make_context(const DtlsCertificate& certificate, DtlsOptions options) {
  Result<DtlsContext> context = DtlsContext::create(certificate, std::move(options));
  EXPECT_TRUE(context.ok()) << (context.ok() ? "" : context.error().reason);
  return std::move(context).value();
}

DtlsPair::DtlsPair(const DtlsContext& client_context, const DtlsContext& server_context,
                   std::string client_expects_alg, std::string client_expects,
                   std::string server_expects_alg, std::string server_expects) {
  if (client_expects_alg.empty()) {
    client_expects_alg = "sha-256";
    client_expects = server_context.fingerprint_sha256();
  }
  if (server_expects_alg.empty()) {
    server_expects_alg = "sha-256";
    server_expects = client_context.fingerprint_sha256();
  }
  client = std::make_unique<DtlsTransport>(client_context, Role::kClient, client_expects_alg,
                                           client_expects, client_listener);
  server = std::make_unique<DtlsTransport>(server_context, Role::kServer, server_expects_alg,
                                           server_expects, server_listener);
}

void DtlsPair::start() {
  server_cpu += timed([&] { server->start(clock.now()); });
  client_cpu += timed([&] { client->start(clock.now()); });
}

size_t DtlsPair::deliver(Side from, const ShuttleOptions& options) {
  RecordingListener& sender = from == Side::kClient ? client_listener : server_listener;
  DtlsTransport& receiver = from == Side::kClient ? *server : *client;
  std::chrono::nanoseconds& cpu = from == Side::kClient ? server_cpu : client_cpu;
  if (sender.outbox.empty()) return 0;
  std::vector<Bytes> batch;
  batch.swap(sender.outbox);
  const int batch_number = from == Side::kClient ? client_batches_++ : server_batches_++;
  if (options.reverse_batches) std::reverse(batch.begin(), batch.end());
  size_t delivered = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (options.drop && options.drop(from, batch_number, i, batch[i])) continue;
    cpu += timed([&] { receiver.on_datagram(batch[i], clock.now()); });
    ++delivered;
  }
  return delivered;
}

size_t DtlsPair::deliver_once(const ShuttleOptions& options) {
  const size_t to_server = deliver(Side::kClient, options);
  return to_server + deliver(Side::kServer, options);
}

void DtlsPair::run(const ShuttleOptions& options) {
  for (int step = 0; step < options.max_steps; ++step) {
    const bool in_flight = !client_listener.outbox.empty() || !server_listener.outbox.empty();
    if (!in_flight && settled(*client) && settled(*server)) return;
    if (in_flight) {
      deliver_once(options);
      continue;
    }
    std::optional<TimePoint> next = client->next_deadline();
    const std::optional<TimePoint> server_next = server->next_deadline();
    if (!next || (server_next && *server_next < *next)) next = server_next;
    if (!next) return;
    clock.advance_to(*next);
    server_cpu += timed([&] { server->on_tick(clock.now()); });
    client_cpu += timed([&] { client->on_tick(clock.now()); });
  }
  ADD_FAILURE() << "handshake did not settle within " << options.max_steps << " steps";
}

}  // namespace tandem::dtls::test
