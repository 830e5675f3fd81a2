// One media worker (DESIGN.md §2): its own io_context and thread, one UDP socket shared by all
// its browser sessions, the demultiplexing table and the WebRtcTransports pinned to it. The
// signaling thread talks to it only by posting (create_session, destroy_session, query_stats);
// replies are posted back to the executor the caller names. Receive path: the socket is waited
// on for readability and then drained with recvmmsg(2) in batches of kBatch; replies are queued
// and flushed with sendmmsg(2) once per batch. Buffers are allocated once, with SRTP tail room.
#pragma once

#include <sys/socket.h>

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "dtls/dtls_certificate.hpp"
#include "dtls/dtls_context.hpp"
#include "ice/endpoint.hpp"
#include "media/datagram_sink.hpp"
#include "media/session_params.hpp"
#include "media/session_table.hpp"
#include "media/webrtc_transport.hpp"
#include "rtp/ntp_time.hpp"

namespace tandem::media {

struct MediaWorkerConfig {
  uint32_t index = 0;
  std::string bind_address = "127.0.0.1";
  uint16_t port = 40000;
  // The address written in our host candidate (1:1 NAT); the bind address when empty.
  std::string announced_address;
  size_t max_sessions = 1000;
  // A session is torn down after this long whatever its state (a pre-call test is short).
  Duration max_session_age{std::chrono::hours(1)};
  Duration tick{20};
};

struct WorkerCounters {
  uint64_t datagrams_received = 0;
  uint64_t datagrams_sent = 0;
  uint64_t send_errors = 0;
  uint64_t receive_batches = 0;
  uint64_t dropped_unknown_class = 0;
  uint64_t dropped_unknown_ufrag = 0;
  uint64_t dropped_bad_stun = 0;
  uint64_t dropped_unknown_path = 0;
  uint64_t sessions_created = 0;
  uint64_t sessions_destroyed = 0;
};

class MediaWorker final : private DatagramSink {
 public:
  static constexpr size_t kBatch = 32;
  static constexpr size_t kMaxDatagram = 1500;
  static constexpr size_t kBufferSize = kMaxDatagram + WebRtcTransport::kTailRoom;

  using CreateCallback = std::function<void(Result<SessionInfo>)>;
  using StatsCallback = std::function<void(std::vector<SessionStats>, WorkerCounters)>;

  // Binds the socket now so that "address in use" is a start-up error. The certificate is
  // shared (OpenSSL reference counts it); each worker builds its own SSL_CTX.
  static Result<std::unique_ptr<MediaWorker>> create(const MediaWorkerConfig& config,
                                                     const dtls::DtlsCertificate& certificate);
  ~MediaWorker();
  MediaWorker(const MediaWorker&) = delete;
  MediaWorker& operator=(const MediaWorker&) = delete;

  void start();
  // Closes every session (DTLS close_notify), stops the thread and joins it. Idempotent.
  void stop();

  // Thread-safe: each posts to the worker and, where there is a reply, posts it to `reply_to`.
  void create_session(SessionParams params, boost::asio::any_io_executor reply_to,
                      CreateCallback done);
  void destroy_session(SessionId id);
  void query_stats(boost::asio::any_io_executor reply_to, StatsCallback done);

  const ice::Endpoint& local_endpoint() const noexcept { return local_; }
  uint32_t index() const noexcept { return config_.index; }

 private:
  MediaWorker(const MediaWorkerConfig& config, dtls::DtlsContext context);
  Result<SessionInfo> do_create(const SessionParams& params);
  void do_destroy(SessionId id);
  void arm_receive();
  void drain_socket() noexcept;
  void on_datagram(std::span<uint8_t> buffer, size_t length, const ice::Endpoint& from,
                   TimePoint now) noexcept;
  void arm_tick();
  void on_tick() noexcept;
  void send_datagram(std::span<const uint8_t> datagram, const ice::Endpoint& to) noexcept override;
  void flush() noexcept;
  void shutdown();

  MediaWorkerConfig config_;
  boost::asio::io_context io_;
  boost::asio::ip::udp::socket socket_;
  boost::asio::steady_timer tick_timer_;
  std::thread thread_;
  dtls::DtlsContext dtls_context_;
  rtp::NtpClock ntp_clock_;
  ice::Endpoint local_;
  ice::Endpoint announced_;
  SessionTable table_;
  std::unordered_map<SessionId, std::unique_ptr<WebRtcTransport>> sessions_;
  SessionId next_id_ = 1;
  WorkerCounters counters_;
  bool stopped_ = false;

  // Receive batch.
  std::vector<uint8_t> rx_storage_;  // kBatch * kBufferSize
  std::array<mmsghdr, kBatch> rx_msgs_{};
  std::array<iovec, kBatch> rx_iov_{};
  std::array<sockaddr_storage, kBatch> rx_addrs_{};
  // Send batch.
  std::vector<uint8_t> tx_storage_;  // kBatch * kBufferSize
  std::array<mmsghdr, kBatch> tx_msgs_{};
  std::array<iovec, kBatch> tx_iov_{};
  std::array<sockaddr_storage, kBatch> tx_addrs_{};
  size_t tx_count_ = 0;
};

}  // namespace tandem::media
