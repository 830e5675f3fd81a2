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
//
// Call bridges (allocate_bridge ... release_bridge): a bridge-mode WebRtcTransport on the shared
// socket plus a CallBridge with its own PBX-side RTP/RTCP sockets from this worker's slice of the
// port range, each waited on for readability on the worker's io_context and drained with
// non-blocking receives. A bridge that ends on its own (ICE consent lost, DTLS failed or closed)
// is destroyed on the next tick and reported to the ended handler.
#pragma once

#include <atomic>
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
#include "media/call_bridge.hpp"
#include "media/datagram_sink.hpp"
#include "media/ice_tcp_connections.hpp"
#include "media/rtp_port_pool.hpp"
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
  // Call bridges' PBX side: the address RTP sockets bind to, the one written in the PBX's SDP
  // (the bind address when empty) and this worker's slice of the range (rtp_port_slice); no
  // bridges when the slice is empty.
  std::string pbx_bind_address = "127.0.0.1";
  std::string pbx_announced_address;
  PortRange pbx_ports{};
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
  uint64_t bridges_allocated = 0;
  uint64_t bridges_ended = 0;  // ended on their own (not released)
};

class MediaWorker final : private DatagramSink, private IceTcpHandler {
 public:
  static constexpr size_t kBatch = UdpPort::kBatch;
  static constexpr size_t kMaxDatagram = UdpPort::kMaxDatagram;
  static constexpr size_t kBufferSize = UdpPort::kBufferSize;

  using CreateCallback = std::function<void(Result<SessionInfo>)>;
  using StatsCallback = std::function<void(std::vector<SessionStats>, WorkerCounters)>;
  using BridgeCallback = std::function<void(Result<BridgeInfo>)>;
  using StatusCallback = std::function<void(Status)>;
  using EndedCallback = std::function<void(SessionId id, std::string reason)>;

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

  // Call bridges. Thread-safe like create_session; replies are posted to `reply_to`.
  void allocate_bridge(boost::asio::any_io_executor reply_to, BridgeCallback done);
  void configure_bridge(SessionId id, BridgeParams params, boost::asio::any_io_executor reply_to,
                        StatusCallback done);
  // Queues an RFC 4733 digit toward the PBX (ignored for unknown ids or a leg without
  // telephone-event; the caller knows the negotiation and decides beforehand).
  void send_dtmf(SessionId id, char digit, Duration duration);
  // Frees the bridge (DTLS close_notify to the browser) and its PBX ports. Unknown ids are ignored.
  void release_bridge(SessionId id) { destroy_session(id); }
  // Where bridges that end on their own are reported (thread-safe, applied on the worker).
  void set_ended_handler(boost::asio::any_io_executor reply_to, EndedCallback handler);
  // Live bridges, for placement by the signaling thread (approximate while posts are in flight).
  size_t bridge_count() const noexcept { return bridge_count_.load(std::memory_order_relaxed); }

  // The first UDP socket's address; local_endpoints() lists all of them.
  const ice::Endpoint& local_endpoint() const noexcept { return udp_.front()->local_endpoint(); }
  std::vector<ice::Endpoint> local_endpoints() const;
  uint32_t index() const noexcept { return config_.index; }

 private:
  MediaWorker(const MediaWorkerConfig& config, dtls::DtlsContext context);
  Result<SessionInfo> do_create(const SessionParams& params);
  Result<BridgeInfo> do_allocate_bridge();
  Result<std::pair<std::string, std::string>> new_credentials();
  CallBridge* bridge_by_id(SessionId id) noexcept;
  void arm_pbx_receive(SessionId id, bool rtcp);
  void drain_pbx(CallBridge& bridge, bool rtcp) noexcept;
  void destroy_bridge(SessionId id);
  void report_ended(SessionId id, std::string_view reason);
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
  RtpPortPool port_pool_;
  std::unordered_map<SessionId, std::unique_ptr<CallBridge>> bridges_;
  std::atomic<size_t> bridge_count_{0};
  std::vector<uint8_t> pbx_buffer_;  // one PBX datagram with SRTP tail room
  boost::asio::any_io_executor ended_executor_;
  EndedCallback ended_handler_;
  WorkerCounters counters_;
  bool stopped_ = false;
};

}  // namespace tandem::media
