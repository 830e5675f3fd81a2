// A real browser and a real PBX for the call bridge tests, all on loopback: the "browser" is a UDP
// socket with an ICE check, our DTLS client (its own certificate) and libsrtp2 for SRTP (an
// independent implementation, so the bridge is not only checked against itself); the "PBX" is a
// plain UDP socket pair. The bridge runs on a started MediaWorker; replies come back on io().
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dtls/dtls_certificate.hpp"
#include "dtls/dtls_context.hpp"
#include "dtls/dtls_listener.hpp"
#include "dtls/dtls_transport.hpp"
#include "ice/endpoint.hpp"
#include "media/media_worker.hpp"
#include "support/libsrtp_session.hpp"

namespace tandem::media::test {

struct RtpPacket {
  bool marker = false;
  uint8_t payload_type = 0;
  uint16_t sequence = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0;
  std::vector<uint8_t> payload;
  std::vector<uint8_t> extension;  // RFC 8285 one-byte elements, serialized when not empty
  static std::optional<RtpPacket> parse(const uint8_t* data, size_t size);
  std::vector<uint8_t> serialize() const;
};

// A loopback UDP socket with a receive timeout.
class TestSocket {
 public:
  explicit TestSocket(uint16_t port = 0);
  ~TestSocket();
  TestSocket(const TestSocket&) = delete;
  TestSocket& operator=(const TestSocket&) = delete;
  uint16_t port() const noexcept { return port_; }
  void send_to(const std::vector<uint8_t>& data, uint16_t port) const;
  // One datagram, or nothing within `timeout`; `from_port` gets its source port.
  std::optional<std::vector<uint8_t>> receive(std::chrono::milliseconds timeout,
                                              uint16_t* from_port = nullptr) const;

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

class TestBrowser final : public dtls::DtlsListener {
 public:
  // role: ours in the DTLS handshake (a browser that answered setup:passive is the server).
  explicit TestBrowser(dtls::Role role = dtls::Role::kClient);
  const std::string& fingerprint() const { return context_->fingerprint_sha256(); }
  // The ICE check (USE-CANDIDATE) and the DTLS client's first flight; returns at once.
  void start(const BridgeInfo& info);
  // Pumps datagrams until DTLS is connected or failed, or `timeout`.
  bool wait_connected(std::chrono::milliseconds timeout);
  bool failed() const { return failed_; }
  // DTLS close_notify (the browser closing its peer connection).
  void close() { dtls_->close(); }
  void send_rtp(const RtpPacket& packet);
  // An SRTP packet for send_raw (sending it allocates nothing).
  std::vector<uint8_t> protect(const RtpPacket& packet);
  void send_raw(const std::vector<uint8_t>& srtp) const { socket_.send_to(srtp, worker_port_); }
  // The next decrypted RTP packet (DTLS and STUN traffic is handled on the way).
  std::optional<RtpPacket> receive_rtp(std::chrono::milliseconds timeout);

  // DtlsListener
  void on_dtls_send(std::span<const uint8_t> datagram) override;
  void on_dtls_connected(const dtls::SrtpKeyMaterial& keys,
                         dtls::SrtpSessionPair sessions) override;
  void on_dtls_failed(std::string_view reason) override;
  void on_dtls_closed() override;

 private:
  void handle(const std::vector<uint8_t>& datagram);

  dtls::Role role_;
  dtls::DtlsCertificate certificate_;
  std::unique_ptr<dtls::DtlsContext> context_;
  TestSocket socket_;
  uint16_t worker_port_ = 0;
  std::unique_ptr<dtls::DtlsTransport> dtls_;
  std::optional<tandem::test::LibsrtpSession> outbound_;
  std::optional<tandem::test::LibsrtpSession> inbound_;
  bool failed_ = false;
};

// A started worker with a PBX port slice, and the signaling side's io_context.
class WorkerFixture {
 public:
  explicit WorkerFixture(PortRange ports = {41000, 41039});
  ~WorkerFixture();
  MediaWorker& worker() { return *worker_->value(); }
  boost::asio::io_context& io() { return io_; }
  const std::string& fingerprint() const { return certificate_.fingerprint_sha256(); }

  Result<BridgeInfo> allocate();
  Status configure(SessionId id, const BridgeParams& params);
  // The bridge's figures (query_stats), if the session exists.
  std::optional<BridgeStats> bridge_stats(SessionId id);
  // Runs posted replies for up to `timeout` or until `done()`.
  template <typename F>
  void run_until(F&& done, std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (!done() && std::chrono::steady_clock::now() < end) {
      io_.run_one_for(std::chrono::milliseconds(10));
    }
  }

 private:
  dtls::DtlsCertificate certificate_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::optional<Result<std::unique_ptr<MediaWorker>>> worker_;
};

// An even/odd pair of loopback UDP ports that were free a moment ago (for a one-pair range).
PortRange free_port_pair();

// Parameters of a bridge between `browser` and a PBX at 127.0.0.1:pbx_port.
BridgeParams bridge_params(const TestBrowser& browser, BridgeCodec codec, uint16_t pbx_port);

// A browser bridged to a PBX socket through one worker.
struct BridgedCall {
  WorkerFixture fixture;
  TestBrowser browser;
  TestSocket pbx;
  BridgeInfo info;

  // Allocates the session, starts the browser's DTLS, configures the bridge and waits until
  // DTLS is up; a failure fails the calling test (gtest assertions).
  void connect(const BridgeParams& params);
  void connect(BridgeCodec codec) { connect(bridge_params(browser, codec, pbx.port())); }
};

}  // namespace tandem::media::test
