#include "media/media_worker.hpp"

#include <openssl/rand.h>
#include <sys/socket.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <utility>

#include "ice/stun_view.hpp"
#include "media/packet_class.hpp"

namespace tandem::media {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

// RFC 8445 §5.3 ice-char: ALPHA / DIGIT / "+" / "/". 64 symbols, so a byte's low 6 bits map
// uniformly.
Result<std::string> random_ice_string(size_t length) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::vector<unsigned char> bytes(length);
  if (RAND_bytes(bytes.data(), static_cast<int>(length)) != 1) {
    return Error{"no randomness for ICE credentials"};
  }
  std::string out(length, '\0');
  for (size_t i = 0; i < length; ++i) out[i] = kAlphabet[bytes[i] & 63];
  return out;
}

std::optional<ice::Endpoint> endpoint_of(const std::string& address, uint16_t port) {
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) return std::nullopt;
  udp::endpoint ep(ip, port);
  return ice::Endpoint::from_sockaddr(ep.data(), static_cast<socklen_t>(ep.size()));
}

}  // namespace

MediaWorker::MediaWorker(const MediaWorkerConfig& config, dtls::DtlsContext context)
    : config_(config),
      socket_(io_),
      tick_timer_(io_),
      dtls_context_(std::move(context)),
      rx_storage_(kBatch * kBufferSize),
      tx_storage_(kBatch * kBufferSize) {
  const auto system_now = std::chrono::system_clock::now().time_since_epoch();
  ntp_clock_ = rtp::NtpClock(SteadyClock::now(), rtp::ntp_from_unix(system_now));
  for (size_t i = 0; i < kBatch; ++i) {
    rx_iov_[i] = iovec{rx_storage_.data() + i * kBufferSize, kMaxDatagram};
    tx_iov_[i] = iovec{tx_storage_.data() + i * kBufferSize, 0};
  }
}

MediaWorker::~MediaWorker() { stop(); }

Result<std::unique_ptr<MediaWorker>> MediaWorker::create(const MediaWorkerConfig& config,
                                                         const dtls::DtlsCertificate& certificate) {
  auto context = dtls::DtlsContext::create(certificate);
  if (!context) return Error{"media worker: DTLS context: " + context.error().reason};
  const std::string where = config.bind_address + ":" + std::to_string(config.port);
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(config.bind_address, ec);
  if (ec) return Error{"media: bad bind address '" + config.bind_address + "'"};
  std::unique_ptr<MediaWorker> worker(new MediaWorker(config, std::move(context.value())));
  udp::endpoint bind_to(ip, config.port);
  worker->socket_.open(bind_to.protocol(), ec);
  if (!ec) worker->socket_.set_option(asio::socket_base::receive_buffer_size(1 << 20), ec);
  if (!ec) worker->socket_.bind(bind_to, ec);
  if (!ec) worker->socket_.non_blocking(true, ec);
  if (ec) return Error{"media: cannot bind UDP " + where + ": " + ec.message()};
  const auto local = worker->socket_.local_endpoint(ec);
  if (ec) return Error{"media: " + ec.message()};
  auto endpoint = ice::Endpoint::from_sockaddr(local.data(), static_cast<socklen_t>(local.size()));
  if (!endpoint) return Error{"media: unsupported local address " + where};
  worker->local_ = *endpoint;
  const std::string& announced =
      config.announced_address.empty() ? config.bind_address : config.announced_address;
  auto announced_endpoint = endpoint_of(announced, endpoint->port());
  if (!announced_endpoint) return Error{"media: bad announced address '" + announced + "'"};
  worker->announced_ = *announced_endpoint;
  return worker;
}

void MediaWorker::start() {
  arm_receive();
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
  sessions_.clear();
  boost::system::error_code ec;
  tick_timer_.cancel();
  socket_.close(ec);
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
    asio::post(reply_to, [done = std::move(done), stats = std::move(stats),
                          counters = counters_]() mutable { done(std::move(stats), counters); });
  });
}

Result<SessionInfo> MediaWorker::do_create(const SessionParams& params) {
  if (stopped_) return Error{"media worker is stopping"};
  if (sessions_.size() >= config_.max_sessions) {
    return Error{"media worker " + std::to_string(config_.index) + " is full (" +
                 std::to_string(config_.max_sessions) + " sessions)"};
  }
  auto ufrag = random_ice_string(8);
  auto pwd = random_ice_string(24);
  if (!ufrag || !pwd) return Error{"no randomness for ICE credentials"};
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
  info.candidate = announced_;
  return info;
}

void MediaWorker::do_destroy(SessionId id) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  it->second->close();
  flush();
  table_.remove_session(id);
  sessions_.erase(it);
  ++counters_.sessions_destroyed;
}

void MediaWorker::arm_receive() {
  socket_.async_wait(udp::socket::wait_read, [this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    drain_socket();
    arm_receive();
  });
}

void MediaWorker::drain_socket() noexcept {
  const int fd = socket_.native_handle();
  // Bounded so one busy port cannot starve the timers of this worker.
  for (int round = 0; round < 8; ++round) {
    for (size_t i = 0; i < kBatch; ++i) {
      rx_msgs_[i].msg_hdr = msghdr{};
      rx_msgs_[i].msg_hdr.msg_name = &rx_addrs_[i];
      rx_msgs_[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
      rx_msgs_[i].msg_hdr.msg_iov = &rx_iov_[i];
      rx_msgs_[i].msg_hdr.msg_iovlen = 1;
      rx_msgs_[i].msg_len = 0;
    }
    const int n = ::recvmmsg(fd, rx_msgs_.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) break;
    ++counters_.receive_batches;
    const TimePoint now = SteadyClock::now();
    for (int i = 0; i < n; ++i) {
      const auto& hdr = rx_msgs_[i].msg_hdr;
      if ((hdr.msg_flags & MSG_TRUNC) != 0) continue;
      const auto from = ice::Endpoint::from_sockaddr(
          reinterpret_cast<const sockaddr*>(hdr.msg_name), hdr.msg_namelen);
      if (!from) continue;
      ++counters_.datagrams_received;
      auto buffer = std::span<uint8_t>(rx_storage_.data() + static_cast<size_t>(i) * kBufferSize,
                                       kBufferSize);
      on_datagram(buffer, rx_msgs_[i].msg_len, *from, now);
    }
    flush();
    if (static_cast<size_t>(n) < kBatch) break;
  }
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
    const auto it = id ? sessions_.find(*id) : sessions_.end();
    if (it == sessions_.end()) {
      ++counters_.dropped_unknown_ufrag;
      return;
    }
    if (it->second->on_stun(*message, from, now)) {
      try {
        table_.add_path(from, *id);  // allocates only for an address not seen before
      } catch (...) {
        ++counters_.dropped_unknown_path;
      }
    }
    return;
  }
  const auto id = table_.find_by_path(from);
  const auto it = id ? sessions_.find(*id) : sessions_.end();
  if (it == sessions_.end()) {
    ++counters_.dropped_unknown_path;
    return;
  }
  WebRtcTransport& session = *it->second;
  switch (kind) {
    case PacketClass::kDtls:
      session.on_dtls(packet, from, now);
      break;
    case PacketClass::kRtp:
      session.on_rtp(buffer, length, from, now);
      break;
    case PacketClass::kRtcp:
      session.on_rtcp(buffer, length, from, now);
      break;
    default:
      break;
  }
}

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
      table_.remove_session(it->first);
      it = sessions_.erase(it);
      ++counters_.sessions_destroyed;
    } else {
      ++it;
    }
  }
  flush();
}

void MediaWorker::send_datagram(std::span<const uint8_t> datagram,
                                const ice::Endpoint& to) noexcept {
  if (datagram.size() > kBufferSize) return;
  if (tx_count_ == kBatch) flush();
  const size_t i = tx_count_++;
  std::memcpy(tx_storage_.data() + i * kBufferSize, datagram.data(), datagram.size());
  tx_iov_[i].iov_len = datagram.size();
  tx_msgs_[i].msg_hdr = msghdr{};
  tx_msgs_[i].msg_hdr.msg_name = &tx_addrs_[i];
  tx_msgs_[i].msg_hdr.msg_namelen = to.to_sockaddr(tx_addrs_[i]);
  tx_msgs_[i].msg_hdr.msg_iov = &tx_iov_[i];
  tx_msgs_[i].msg_hdr.msg_iovlen = 1;
}

void MediaWorker::flush() noexcept {
  size_t sent = 0;
  const int fd = socket_.native_handle();
  while (sent < tx_count_) {
    const int n = ::sendmmsg(fd, tx_msgs_.data() + sent, static_cast<unsigned>(tx_count_ - sent),
                             MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      // A per-destination error (unreachable, refused): drop that datagram, send the rest.
      ++counters_.send_errors;
      ++sent;
      continue;
    }
    if (n <= 0) {
      // Socket buffer full: drop the rest of the batch (UDP, the peer recovers).
      counters_.send_errors += tx_count_ - sent;
      break;
    }
    sent += static_cast<size_t>(n);
  }
  counters_.datagrams_sent += sent;
  tx_count_ = 0;
}

}  // namespace tandem::media
