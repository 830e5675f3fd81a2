// Helpers for DTLS tests: a listener that records everything, and an in-process client/server
// pair whose datagrams are shuttled by hand (with optional loss and reordering) on a fake clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "dtls/dtls_context.hpp"
#include "dtls/dtls_listener.hpp"
#include "dtls/dtls_transport.hpp"
#include "fake_clock.hpp"

namespace tandem::dtls {
// Readable gtest output for the enums.
inline void PrintTo(State state, std::ostream* os) { *os << to_string(state); }
inline void PrintTo(Role role, std::ostream* os) { *os << to_string(role); }
}  // namespace tandem::dtls

namespace tandem::dtls::test {

using Bytes = std::vector<uint8_t>;

struct RecordingListener : DtlsListener {
  void on_dtls_send(std::span<const uint8_t> datagram) override {
    outbox.emplace_back(datagram.begin(), datagram.end());
    ++sent;
  }
  void on_dtls_connected(const SrtpKeyMaterial& k, SrtpSessionPair s) override {
    keys.emplace(k);
    sessions.emplace(std::move(s));
  }
  void on_dtls_failed(std::string_view reason) override { failure = std::string(reason); }
  void on_dtls_closed() override { closed = true; }
  void on_dtls_application_data(std::span<const uint8_t> data) override {
    received.emplace_back(data.begin(), data.end());
  }

  std::vector<Bytes> outbox;  // sent and not yet delivered by the test
  size_t sent = 0;
  std::optional<SrtpKeyMaterial> keys;
  std::optional<SrtpSessionPair> sessions;
  std::optional<std::string> failure;
  bool closed = false;
  std::vector<Bytes> received;
};

enum class Side { kClient, kServer };

// Return true to drop: which side sent it, the how-many-th batch (flush of that side's outbox
// by the shuttle, from 0) and the datagram's index in the batch.
using DropFilter = std::function<bool(Side from, int batch, size_t index, const Bytes& datagram)>;

struct ShuttleOptions {
  DropFilter drop;
  bool reverse_batches = false;  // deliver each batch in reverse order
  int max_steps = 200;
};

// A certificate per test binary run: generating one costs ~0.1 ms, but sharing keeps tests fast.
const DtlsCertificate& client_certificate();
const DtlsCertificate& server_certificate();
DtlsContext make_context(const DtlsCertificate& certificate, DtlsOptions options = {});

class DtlsPair {
 public:
  // Fingerprints default to the real certificates' sha-256 ones.
  DtlsPair(const DtlsContext& client_context, const DtlsContext& server_context,
           std::string client_expects_alg = "", std::string client_expects = "",
           std::string server_expects_alg = "", std::string server_expects = "");

  void start();
  // Shuttles until both sides are connected (or either failed/closed) and nothing is in flight,
  // advancing the fake clock to the next deadline whenever the wire is idle.
  void run(const ShuttleOptions& options = {});
  // Delivers what is queued, one round each way; returns how many datagrams were delivered.
  size_t deliver_once(const ShuttleOptions& options = {});

  RecordingListener client_listener;
  RecordingListener server_listener;
  FakeClock clock;
  std::unique_ptr<DtlsTransport> client;
  std::unique_ptr<DtlsTransport> server;
  std::chrono::nanoseconds client_cpu{0};
  std::chrono::nanoseconds server_cpu{0};

 private:
  size_t deliver(Side from, const ShuttleOptions& options);
  int client_batches_ = 0;
  int server_batches_ = 0;
};

}  // namespace tandem::dtls::test
