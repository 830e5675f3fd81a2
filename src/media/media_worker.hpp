// One media worker (DESIGN.md §2): its own io_context and thread, one UDP socket per address
// family shared by all its browser sessions, the ICE-TCP connections handed to it by the
// IceTcpAcceptor, the demultiplexing table and the WebRtcTransports pinned to it. The signaling
// thread talks to it only by posting (create_session, destroy_session, query_stats,
// adopt_tcp_connection); replies are posted back to the executor the caller names. Receive path:
// each socket is waited on for readability and then drained with recvmmsg(2) in batches of
// kBatch; replies are queued and flushed with sendmmsg(2) once per batch. ICE-TCP frames take the
// same path as datagrams, with the connection's remote address (transport TCP) as the source,
// and what is sent to such an address is framed onto that connection. Buffers are allocated
// once, with SRTP tail room.
#pragma once

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
#include "media/ice_tcp_connections.hpp"
#include "media/session_params.hpp"
#include "media/session_table.hpp"
#include "media/udp_port.hpp"
#include "media/webrtc_transport.hpp"
#include "rtp/ntp_time.hpp"

namespace tandem::media {

struct MediaWorkerConfig {
  uint32_t index = 0;
  std::string bind_address = "127.0.0.1";
  uint16_t port = 40000;
  // The address written in our host candidate (1:1 NAT); the bind address when empty.
  std::string announced_address;
  // A second UDP socket of the other address family (IPv6 beside IPv4), on the same port as
  // the first one got, and the address announced for it; none when empty.
  std::string bind_address2;
  std::string announced_address2;
  // ICE-TCP connections this worker accepts from the acceptor (RFC 6544).
  size_t max_tcp_connections = 2000;
  size_t max_sessions = 1000;
  // A session is torn down after this long whatever its state (a pre-call test is short).
  Duration max_session_age{std::chrono::hours(1)};
  Duration tick{20};
};

// datagrams_received, datagrams_sent, send_errors, receive_batches: UDP, all ports.
struct WorkerCounters : UdpPortCounters {
  IceTcpCounters tcp;
  uint64_t dropped_unknown_class = 0;
  uint64_t dropped_unknown_ufrag = 0;
  uint64_t dropped_bad_stun = 0;
  uint64_t dropped_unknown_path = 0;
  uint64_t sessions_created = 0;
  uint64_t sessions_destroyed = 0;
};

class MediaWorker final : private DatagramSink, private IceTcpHandler {
 public:
  static constexpr size_t kBatch = UdpPort::kBatch;
  static constexpr size_t kMaxDatagram = UdpPort::kMaxDatagram;
  static constexpr size_t kBufferSize = UdpPort::kBufferSize;

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
  // Takes an ICE-TCP connection (socket `fd`, first bytes `initial`) from the acceptor. The
  // socket is closed if the worker is gone or the first frame is not a valid check.
  void adopt_tcp_connection(int fd, const ice::Endpoint& remote, std::vector<uint8_t> initial);

  // The first UDP socket's address; local_endpoints() lists all of them.
  const ice::Endpoint& local_endpoint() const noexcept { return udp_.front()->local_endpoint(); }
  std::vector<ice::Endpoint> local_endpoints() const;
  uint32_t index() const noexcept { return config_.index; }

 private:
  MediaWorker(const MediaWorkerConfig& config, dtls::DtlsContext context);
  Result<SessionInfo> do_create(const SessionParams& params);
  void do_destroy(SessionId id);
  void arm_receive(UdpPort& port);
  void on_datagram(std::span<uint8_t> buffer, size_t length, const ice::Endpoint& from,
                   TimePoint now) noexcept;
  void arm_tick();
  void on_tick() noexcept;
  void forget_session(SessionId id);
  WebRtcTransport* session_by_id(SessionId id) noexcept;
  void send_datagram(std::span<const uint8_t> datagram, const ice::Endpoint& to) noexcept override;
  void flush() noexcept;
  void shutdown();
  // IceTcpHandler
  void on_tcp_frame(std::span<uint8_t> buffer, size_t length, const ice::Endpoint& from,
                    TimePoint now) noexcept override;
  bool is_bound(const ice::Endpoint& from) const noexcept override;
  void on_tcp_closed(const ice::Endpoint& from) noexcept override;
  void on_tcp_read_done() noexcept override { flush(); }

  MediaWorkerConfig config_;
  boost::asio::io_context io_;
  std::vector<std::unique_ptr<UdpPort>> udp_;  // at most one per address family
  IceTcpConnections tcp_;
  boost::asio::steady_timer tick_timer_;
  std::thread thread_;
  dtls::DtlsContext dtls_context_;
  rtp::NtpClock ntp_clock_;
  std::vector<ice::Endpoint> announced_;  // one host candidate per UDP socket
  SessionTable table_;
  std::unordered_map<SessionId, std::unique_ptr<WebRtcTransport>> sessions_;
  // A direct-mapped cache in front of sessions_ for the packet path (ids are sequential, so live
  // sessions rarely share a slot): one small array instead of the map's bucket and node, which
  // are cache misses per packet in a worker with hundreds of sessions. Sized at creation.
  struct CachedSession {
    SessionId id = 0;
    WebRtcTransport* session = nullptr;
  };
  std::vector<CachedSession> session_cache_;
  SessionId next_id_ = 1;
  WorkerCounters counters_;
  bool stopped_ = false;
};

}  // namespace tandem::media
