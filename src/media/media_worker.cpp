#include "media/media_worker.hpp"

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
      dtls_context_(std::move(context)) {
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
    }
    WorkerCounters counters = counters_;
    counters.tcp = tcp_.counters();
    asio::post(reply_to, [done = std::move(done), stats = std::move(stats), counters]() mutable {
      done(std::move(stats), counters);
    });
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
  auto ufrag = make_local_ufrag(config_.index);
  auto pwd = make_local_pwd();
  if (!ufrag) return ufrag.error();
  if (!pwd) return pwd.error();
  if (table_.find_by_ufrag(*ufrag)) return Error{"ICE ufrag collision, try again"};
  const SessionId id = next_id_++;
  auto transport = WebRtcTransport::create(id, params, {*ufrag, *pwd}, dtls_context_, *this,
                                           ntp_clock_, SteadyClock::now());
  if (!transport) return transport.error();
  table_.add_ufrag(*ufrag, id);
  sessions_.emplace(id, std::move(transport.value()));
  ++counters_.sessions_created;
  flush();
  SessionInfo info;
  info.id = id;
  info.worker = config_.index;
  info.local_ufrag = std::move(ufrag.value());
  info.local_pwd = std::move(pwd.value());
  info.fingerprint_sha256 = dtls_context_.fingerprint_sha256();
  info.candidate = announced_.front();
  info.candidates = announced_;
  return info;
}

void MediaWorker::do_destroy(SessionId id) {
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
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    WebRtcTransport& session = *it->second;
    session.on_tick(now);
    if (session.finished() || session.age(now) > config_.max_session_age) {
      session.close();
      flush();  // the close_notify, before its ICE-TCP connection goes
      const SessionId id = it->first;
      it = sessions_.erase(it);
      forget_session(id);
    } else {
      ++it;
    }
  }
  flush();
  tcp_.reap();
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
