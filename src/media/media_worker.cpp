#include "media/media_worker.hpp"

#include <openssl/rand.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <utility>

#include "ice/stun_view.hpp"
#include "media/ice_credentials.hpp"
#include "media/packet_class.hpp"

namespace tandem::media {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

std::optional<ice::Endpoint> endpoint_of(const std::string& address, uint16_t port) {
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) return std::nullopt;
  udp::endpoint ep(ip, port);
  return ice::Endpoint::from_sockaddr(ep.data(), static_cast<socklen_t>(ep.size()));
}

uint32_t make_ssrc() {
  uint32_t v = 0;
  while (v == 0) {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v) != 1) v = 0x5a17c0de;
  }
  return v;
}

// A socket handed from the acceptor's thread: closed unless the worker takes it.
struct OwnedFd {
  explicit OwnedFd(int f) : fd(f) {}
  OwnedFd(OwnedFd&& o) noexcept : fd(std::exchange(o.fd, -1)) {}
  OwnedFd& operator=(OwnedFd&&) = delete;
  ~OwnedFd() {
    if (fd >= 0) ::close(fd);
  }
  int release() { return std::exchange(fd, -1); }
  int fd;
};

}  // namespace

MediaWorker::MediaWorker(const MediaWorkerConfig& config, dtls::DtlsContext context)
    : config_(config),
      tcp_(io_, *this, kMaxDatagram, kBufferSize, config.max_tcp_connections),
      tick_timer_(io_),
      dtls_context_(std::move(context)),
      port_pool_(config.pbx_ports, config.pbx_bind_address),
      pbx_buffer_(kBufferSize) {
  size_t slots = 64;
  while (slots < config.max_sessions * 2 && slots < (size_t{1} << 16)) slots *= 2;
  session_cache_.resize(slots);
  const auto system_now = std::chrono::system_clock::now().time_since_epoch();
  ntp_clock_ = rtp::NtpClock(SteadyClock::now(), rtp::ntp_from_unix(system_now));
}

MediaWorker::~MediaWorker() { stop(); }

Result<std::unique_ptr<MediaWorker>> MediaWorker::create(const MediaWorkerConfig& config,
                                                         const dtls::DtlsCertificate& certificate) {
  if (config.index >= kMaxMediaWorkers) {
    return Error{"media: at most " + std::to_string(kMaxMediaWorkers) + " workers"};
  }
  auto context = dtls::DtlsContext::create(certificate);
  if (!context) return Error{"media worker: DTLS context: " + context.error().reason};
  std::unique_ptr<MediaWorker> worker(new MediaWorker(config, std::move(context.value())));
  struct Bind {
    const std::string& address;
    const std::string& announced;
  };
  std::vector<Bind> binds{{config.bind_address, config.announced_address}};
  if (!config.bind_address2.empty())
    binds.push_back({config.bind_address2, config.announced_address2});
  uint16_t port = config.port;
  for (const Bind& bind : binds) {
    auto udp_port = UdpPort::open(worker->io_, bind.address, port);
    if (!udp_port) return udp_port.error();
    const ice::Endpoint local = (*udp_port)->local_endpoint();
    if (!worker->udp_.empty() &&
        worker->udp_.front()->local_endpoint().family() == local.family()) {
      return Error{"media: the second media address must be of the other address family"};
    }
    port = local.port();  // the second socket shares the port the first one got
    const std::string& announced = bind.announced.empty() ? bind.address : bind.announced;
    auto announced_endpoint = endpoint_of(announced, port);
    if (!announced_endpoint) return Error{"media: bad announced address '" + announced + "'"};
    worker->announced_.push_back(*announced_endpoint);
    worker->udp_.push_back(std::move(udp_port.value()));
  }
  return worker;
}

std::vector<ice::Endpoint> MediaWorker::local_endpoints() const {
  std::vector<ice::Endpoint> out;
  for (const auto& port : udp_) out.push_back(port->local_endpoint());
  return out;
}

void MediaWorker::start() {
  for (auto& port : udp_) arm_receive(*port);
  arm_tick();
  thread_ = std::thread([this] { io_.run(); });
}

void MediaWorker::stop() {
  if (!thread_.joinable()) return;
  asio::post(io_, [this] { shutdown(); });
  thread_.join();
}

void MediaWorker::shutdown() {
  stopped_ = true;
  bridges_.clear();  // before the transports they refer to
  bridge_count_.store(0, std::memory_order_relaxed);
  for (auto& [id, session] : sessions_) session->close();
  flush();
  std::fill(session_cache_.begin(), session_cache_.end(), CachedSession{});
  sessions_.clear();
  tcp_.close_all();
  tick_timer_.cancel();
  for (auto& port : udp_) port->close();
  io_.stop();
}

void MediaWorker::create_session(SessionParams params, asio::any_io_executor reply_to,
                                 CreateCallback done) {
  asio::post(io_, [this, params = std::move(params), reply_to, done = std::move(done)]() mutable {
    auto result = do_create(params);
    asio::post(reply_to, [done = std::move(done), result = std::move(result)]() mutable {
      done(std::move(result));
    });
  });
}

void MediaWorker::destroy_session(SessionId id) {
  asio::post(io_, [this, id] { do_destroy(id); });
}

void MediaWorker::query_stats(asio::any_io_executor reply_to, StatsCallback done) {
  asio::post(io_, [this, reply_to, done = std::move(done)]() mutable {
    std::vector<SessionStats> stats;
    const TimePoint now = SteadyClock::now();
    for (const auto& [id, session] : sessions_) {
      stats.push_back(session->stats(now));
      stats.back().worker = config_.index;
      if (const CallBridge* bridge = bridge_by_id(id)) stats.back().bridge = bridge->stats();
    }
    WorkerCounters counters = counters_;
    counters.tcp = tcp_.counters();
    asio::post(reply_to, [done = std::move(done), stats = std::move(stats), counters]() mutable {
      done(std::move(stats), counters);
    });
  });
}

void MediaWorker::allocate_bridge(asio::any_io_executor reply_to, BridgeCallback done) {
  asio::post(io_, [this, reply_to, done = std::move(done)]() mutable {
    auto result = do_allocate_bridge();
    asio::post(reply_to, [done = std::move(done), result = std::move(result)]() mutable {
      done(std::move(result));
    });
  });
}

void MediaWorker::configure_bridge(SessionId id, BridgeParams params,
                                   asio::any_io_executor reply_to, StatusCallback done) {
  asio::post(
      io_, [this, id, params = std::move(params), reply_to, done = std::move(done)]() mutable {
        CallBridge* bridge = bridge_by_id(id);
        Status result = bridge == nullptr ? Status(Error{"media: no bridge " + std::to_string(id)})
                                          : bridge->configure(params, SteadyClock::now());
        flush();
        asio::post(reply_to, [done = std::move(done), result = std::move(result)]() mutable {
          done(std::move(result));
        });
      });
}

void MediaWorker::send_dtmf(SessionId id, char digit, Duration duration) {
  asio::post(io_, [this, id, digit, duration] {
    if (CallBridge* bridge = bridge_by_id(id)) (void)bridge->send_dtmf(digit, duration);
  });
}

void MediaWorker::set_ended_handler(asio::any_io_executor reply_to, EndedCallback handler) {
  asio::post(io_, [this, reply_to, handler = std::move(handler)]() mutable {
    ended_executor_ = std::move(reply_to);
    ended_handler_ = std::move(handler);
  });
}

void MediaWorker::adopt_tcp_connection(int fd, const ice::Endpoint& remote,
                                       std::vector<uint8_t> initial) {
  asio::post(io_, [this, owned = OwnedFd(fd), remote, initial = std::move(initial)]() mutable {
    if (stopped_) return;
    tcp_.adopt(owned.release(), remote, initial, SteadyClock::now());
  });
}

Result<SessionInfo> MediaWorker::do_create(const SessionParams& params) {
  if (stopped_) return Error{"media worker is stopping"};
  if (sessions_.size() >= config_.max_sessions) {
    return Error{"media worker " + std::to_string(config_.index) + " is full (" +
                 std::to_string(config_.max_sessions) + " sessions)"};
  }
  auto credentials = new_credentials();
  if (!credentials) return credentials.error();
  auto [ufrag, pwd] = std::move(credentials.value());
  const SessionId id = next_id_++;
  auto transport = WebRtcTransport::create(id, params, {ufrag, pwd}, dtls_context_, *this,
                                           ntp_clock_, SteadyClock::now());
  if (!transport) return transport.error();
  table_.add_ufrag(ufrag, id);
  sessions_.emplace(id, std::move(transport.value()));
  ++counters_.sessions_created;
  flush();
  SessionInfo info;
  info.id = id;
  info.worker = config_.index;
  info.local_ufrag = std::move(ufrag);
  info.local_pwd = std::move(pwd);
  info.fingerprint_sha256 = dtls_context_.fingerprint_sha256();
  info.candidate = announced_.front();
  info.candidates = announced_;
  return info;
}

Result<std::pair<std::string, std::string>> MediaWorker::new_credentials() {
  auto ufrag = make_local_ufrag(config_.index);
  auto pwd = make_local_pwd();
  if (!ufrag) return ufrag.error();
  if (!pwd) return pwd.error();
  if (table_.find_by_ufrag(*ufrag)) return Error{"ICE ufrag collision, try again"};
  return std::pair{std::move(ufrag.value()), std::move(pwd.value())};
}

Result<BridgeInfo> MediaWorker::do_allocate_bridge() {
  if (stopped_) return Error{"media worker is stopping"};
  if (sessions_.size() >= config_.max_sessions) {
    return Error{"media worker " + std::to_string(config_.index) + " is full (" +
                 std::to_string(config_.max_sessions) + " sessions)"};
  }
  if (port_pool_.range().pairs() == 0) {
    return Error{"media worker " + std::to_string(config_.index) + " has no RTP port range"};
  }
  auto credentials = new_credentials();
  if (!credentials) return credentials.error();
  auto [ufrag, pwd] = std::move(credentials.value());
  const SessionId id = next_id_++;
  const TimePoint now = SteadyClock::now();
  auto transport =
      WebRtcTransport::create_bridge(id, {ufrag, pwd}, dtls_context_, *this, ntp_clock_, now);
  if (!transport) return transport.error();
  auto sockets = port_pool_.acquire(io_);
  if (!sockets) return sockets.error();
  const uint16_t pbx_port = sockets->port;
  CallBridge::Ssrcs ssrcs{make_ssrc(), make_ssrc()};
  auto bridge =
      std::make_unique<CallBridge>(**transport, std::move(sockets.value()), ssrcs, ntp_clock_);
  table_.add_ufrag(ufrag, id);
  sessions_.emplace(id, std::move(transport.value()));
  bridges_.emplace(id, std::move(bridge));
  bridge_count_.store(bridges_.size(), std::memory_order_relaxed);
  ++counters_.sessions_created;
  ++counters_.bridges_allocated;
  arm_pbx_receive(id, false);
  arm_pbx_receive(id, true);
  BridgeInfo info;
  info.id = id;
  info.worker = config_.index;
  info.local_ufrag = std::move(ufrag);
  info.local_pwd = std::move(pwd);
  info.fingerprint_sha256 = dtls_context_.fingerprint_sha256();
  info.candidates = announced_;
  info.pbx_address = config_.pbx_announced_address.empty() ? config_.pbx_bind_address
                                                           : config_.pbx_announced_address;
  info.pbx_port = pbx_port;
  return info;
}

CallBridge* MediaWorker::bridge_by_id(SessionId id) noexcept {
  const auto it = bridges_.find(id);
  return it == bridges_.end() ? nullptr : it->second.get();
}

void MediaWorker::arm_pbx_receive(SessionId id, bool rtcp) {
  CallBridge* bridge = bridge_by_id(id);
  if (bridge == nullptr) return;
  auto& socket = rtcp ? bridge->pbx().rtcp_socket() : bridge->pbx().rtp_socket();
  // The handler looks the bridge up again: it may have been released meanwhile.
  socket.async_wait(udp::socket::wait_read, [this, id, rtcp](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    CallBridge* b = bridge_by_id(id);
    if (b == nullptr) return;
    drain_pbx(*b, rtcp);
    arm_pbx_receive(id, rtcp);
  });
}

void MediaWorker::drain_pbx(CallBridge& bridge, bool rtcp) noexcept {
  auto& socket = rtcp ? bridge.pbx().rtcp_socket() : bridge.pbx().rtp_socket();
  const auto buffer = std::span<uint8_t>(pbx_buffer_);
  try {  // the error_code overload throws only if asio's endpoint could not hold the address
    for (;;) {
      udp::endpoint from;
      boost::system::error_code ec;
      const size_t n = socket.receive_from(asio::buffer(buffer.data(), kMaxDatagram), from, 0, ec);
      if (ec) break;  // would_block: drained
      ++counters_.datagrams_received;
      const TimePoint now = SteadyClock::now();
      if (rtcp) {
        bridge.on_pbx_rtcp(buffer.first(n), from, now);
      } else {
        bridge.on_pbx_rtp(buffer, n, from, now);
      }
    }
  } catch (...) {
    ++counters_.dropped_unknown_class;
  }
  flush();
}

void MediaWorker::destroy_bridge(SessionId id) {
  const auto it = bridges_.find(id);
  if (it == bridges_.end()) return;
  const uint16_t port = it->second->pbx().port();
  bridges_.erase(it);  // closes its sockets
  port_pool_.release(port);
  bridge_count_.store(bridges_.size(), std::memory_order_relaxed);
}

void MediaWorker::do_destroy(SessionId id) {
  destroy_bridge(id);
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  it->second->close();
  flush();
  sessions_.erase(it);
  forget_session(id);
}

void MediaWorker::forget_session(SessionId id) {
  CachedSession& cached = session_cache_[id & (session_cache_.size() - 1)];
  if (cached.id == id) cached = CachedSession{};
  table_.remove_session(id);
  // Its ICE-TCP connections go with it; other sessions' connections are untouched.
  tcp_.close_unless([this](const ice::Endpoint& remote) { return is_bound(remote); });
  ++counters_.sessions_destroyed;
}

WebRtcTransport* MediaWorker::session_by_id(SessionId id) noexcept {
  CachedSession& cached = session_cache_[id & (session_cache_.size() - 1)];
  if (cached.session != nullptr && cached.id == id) return cached.session;
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return nullptr;
  cached = CachedSession{id, it->second.get()};
  return cached.session;
}

void MediaWorker::arm_receive(UdpPort& port) {
  port.socket().async_wait(
      udp::socket::wait_read, [this, &port](const boost::system::error_code& ec) {
        if (ec || stopped_) return;
        port.drain([this](std::span<uint8_t> buffer, size_t length, const ice::Endpoint& from,
                          TimePoint now) { on_datagram(buffer, length, from, now); },
                   counters_);
        flush();
        arm_receive(port);
      });
}

void MediaWorker::on_datagram(std::span<uint8_t> buffer, size_t length, const ice::Endpoint& from,
                              TimePoint now) noexcept {
  const auto packet = std::span<const uint8_t>(buffer.data(), length);
  const PacketClass kind = classify_datagram(packet);
  if (kind == PacketClass::kUnknown) {
    ++counters_.dropped_unknown_class;
    return;
  }
  if (kind == PacketClass::kStun) {
    const auto message = ice::StunView::parse(packet);
    if (!message) {
      ++counters_.dropped_bad_stun;
      return;
    }
    const auto ufrag = ice::local_ufrag_of(*message);
    const auto id = ufrag ? table_.find_by_ufrag(*ufrag) : std::nullopt;
    WebRtcTransport* session = id ? session_by_id(*id) : nullptr;
    if (session == nullptr) {
      ++counters_.dropped_unknown_ufrag;
      return;
    }
    if (session->on_stun(*message, from, now)) {
      try {
        table_.add_path(from, *id);  // allocates only for an address not seen before
      } catch (...) {
        ++counters_.dropped_unknown_path;
      }
    }
    return;
  }
  const auto id = table_.find_by_path(from);
  WebRtcTransport* session = id ? session_by_id(*id) : nullptr;
  if (session == nullptr) {
    ++counters_.dropped_unknown_path;
    return;
  }
  switch (kind) {
    case PacketClass::kDtls:
      session->on_dtls(packet, from, now);
      break;
    case PacketClass::kRtp:
      session->on_rtp(buffer, length, from, now);
      break;
    case PacketClass::kRtcp:
      session->on_rtcp(buffer, length, from, now);
      break;
    default:
      break;
  }
}

void MediaWorker::on_tcp_frame(std::span<uint8_t> buffer, size_t length, const ice::Endpoint& from,
                               TimePoint now) noexcept {
  on_datagram(buffer, length, from, now);
}

bool MediaWorker::is_bound(const ice::Endpoint& from) const noexcept {
  return table_.find_by_path(from).has_value();
}

void MediaWorker::on_tcp_closed(const ice::Endpoint& from) noexcept { table_.remove_path(from); }

void MediaWorker::arm_tick() {
  tick_timer_.expires_after(config_.tick);
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    on_tick();
    arm_tick();
  });
}

void MediaWorker::on_tick() noexcept {
  const TimePoint now = SteadyClock::now();
  for (auto& [id, bridge] : bridges_) bridge->on_tick(now);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    WebRtcTransport& session = *it->second;
    session.on_tick(now);
    // A call lasts as long as it lasts: the age limit is the echo service's.
    const bool too_old = !session.is_bridge() && session.age(now) > config_.max_session_age;
    if (session.finished() || too_old) {
      const SessionId id = it->first;
      if (session.is_bridge()) report_ended(id, session.finish_reason());
      destroy_bridge(id);
      session.close();
      flush();  // the close_notify, before its ICE-TCP connection goes
      it = sessions_.erase(it);
      forget_session(id);
    } else {
      ++it;
    }
  }
  flush();
  tcp_.reap();
}

void MediaWorker::report_ended(SessionId id, std::string_view reason) {
  ++counters_.bridges_ended;
  if (!ended_handler_) return;
  asio::post(ended_executor_,
             [handler = ended_handler_, id, reason = std::string(reason)] { handler(id, reason); });
}

void MediaWorker::send_datagram(std::span<const uint8_t> datagram,
                                const ice::Endpoint& to) noexcept {
  if (to.is_tcp()) {
    tcp_.send(datagram, to);
    return;
  }
  for (auto& port : udp_) {
    if (port->local_endpoint().family() == to.family()) {
      port->queue(datagram, to, counters_);
      return;
    }
  }
  ++counters_.send_errors;  // no socket of that family
}

void MediaWorker::flush() noexcept {
  for (auto& port : udp_) port->flush(counters_);
  tcp_.flush();
}

}  // namespace tandem::media
