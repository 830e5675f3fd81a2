#include "media/ice_tcp_connections.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tandem::media {

namespace asio = boost::asio;
using asio::ip::tcp;

struct IceTcpConnections::Connection {
  Connection(asio::io_context& io, const tcp& protocol, int fd, size_t max_frame)
      : socket(io, protocol, fd), framer(max_frame), send_buffer(kSendBufferSize) {}

  uint64_t id = 0;
  ice::Endpoint remote;
  tcp::socket socket;
  Rfc4571Framer framer;
  std::vector<uint8_t> send_buffer;
  size_t send_begin = 0;
  size_t send_end = 0;
  bool dirty = false;        // listed in dirty_
  bool write_armed = false;  // waiting for the kernel to take more
  bool dead = false;         // closed; destroyed by reap()
};

IceTcpConnections::IceTcpConnections(asio::io_context& io, IceTcpHandler& handler, size_t max_frame,
                                     size_t scratch_size, size_t max_connections)
    : io_(io),
      handler_(handler),
      max_frame_(max_frame),
      scratch_(std::max(scratch_size, max_frame)),
      max_connections_(max_connections) {
  dirty_.reserve(max_connections);
  dead_.reserve(max_connections);
}

IceTcpConnections::~IceTcpConnections() = default;

void IceTcpConnections::adopt(int fd, const ice::Endpoint& remote, std::span<const uint8_t> initial,
                              TimePoint now) {
  const ice::Endpoint path = remote.with_transport(ice::Endpoint::Transport::kTcp);
  if (by_id_.size() >= max_connections_ || by_remote_.contains(path)) {
    ::close(fd);
    ++counters_.connections_rejected;
    return;
  }
  std::unique_ptr<Connection> owned;
  try {
    owned =
        std::make_unique<Connection>(io_, remote.is_ipv4() ? tcp::v4() : tcp::v6(), fd, max_frame_);
  } catch (const std::exception&) {
    ::close(fd);  // the socket did not take it
    ++counters_.connections_rejected;
    return;
  }
  Connection& c = *owned;
  boost::system::error_code ec;
  c.socket.non_blocking(true, ec);
  if (!ec) c.socket.set_option(tcp::no_delay(true), ec);  // small RTP frames must not wait
  const auto space = c.framer.free_space();
  if (ec || initial.size() > space.size()) {
    ++counters_.connections_rejected;
    return;  // owned closes the socket
  }
  std::memcpy(space.data(), initial.data(), initial.size());
  c.framer.commit(initial.size());
  c.id = next_id_++;
  c.remote = path;
  by_id_.emplace(c.id, std::move(owned));
  by_remote_.emplace(path, &c);
  ++counters_.connections_adopted;

  handle_frames(c, now);
  if (!c.dead && !handler_.is_bound(path)) {
    ++counters_.connections_rejected;
    close(c, false);
  }
  handler_.on_tcp_read_done();
  if (!c.dead) arm_read(c);
  reap();
}

void IceTcpConnections::arm_read(Connection& c) {
  c.socket.async_wait(tcp::socket::wait_read,
                      [this, id = c.id](const boost::system::error_code& ec) {
                        if (!ec) on_readable(id);
                      });
}

void IceTcpConnections::on_readable(uint64_t id) noexcept {
  const auto it = by_id_.find(id);
  if (it == by_id_.end() || it->second->dead) return;
  Connection& c = *it->second;
  const TimePoint now = SteadyClock::now();
  // Bounded, so one busy connection cannot starve the worker's other sockets and timers.
  for (int round = 0; round < 8 && !c.dead; ++round) {
    const auto space = c.framer.free_space();
    const ssize_t n = ::recv(c.socket.native_handle(), space.data(), space.size(), MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) {  // orderly close by the peer, or a reset
      close(c);
      break;
    }
    c.framer.commit(static_cast<size_t>(n));
    handle_frames(c, now);
    if (static_cast<size_t>(n) < space.size()) break;
  }
  handler_.on_tcp_read_done();
  if (!c.dead) arm_read(c);
  reap();
}

void IceTcpConnections::handle_frames(Connection& c, TimePoint now) noexcept {
  while (!c.dead) {
    const auto next = c.framer.next();
    if (next.status == Rfc4571Framer::Status::kNeedMore) return;
    if (next.status == Rfc4571Framer::Status::kOversize) {
      ++counters_.oversize_frames;
      close(c);
      return;
    }
    ++counters_.frames_received;
    // Copied out so the packet can grow in place (SRTP trailer) without touching the next frame.
    std::memcpy(scratch_.data(), next.frame.data(), next.frame.size());
    handler_.on_tcp_frame(scratch_, next.frame.size(), c.remote, now);
  }
}

bool IceTcpConnections::send(std::span<const uint8_t> datagram, const ice::Endpoint& to) noexcept {
  const auto it = by_remote_.find(to);
  if (it == by_remote_.end() || it->second->dead) {
    ++counters_.send_dropped;
    return false;
  }
  Connection& c = *it->second;
  const size_t need = Rfc4571Framer::kHeaderSize + datagram.size();
  if (c.send_end + need > c.send_buffer.size() && c.send_begin > 0) {
    std::memmove(c.send_buffer.data(), c.send_buffer.data() + c.send_begin,
                 c.send_end - c.send_begin);
    c.send_end -= c.send_begin;
    c.send_begin = 0;
  }
  const size_t n =
      Rfc4571Framer::write_frame(datagram, std::span<uint8_t>(c.send_buffer).subspan(c.send_end));
  if (n == 0) {  // the peer is not reading fast enough: drop, as UDP would
    ++counters_.send_dropped;
    return false;
  }
  c.send_end += n;
  ++counters_.frames_sent;
  if (!c.dirty) {
    c.dirty = true;
    dirty_.push_back(&c);  // never reallocates: capacity is max_connections
  }
  return true;
}

void IceTcpConnections::flush() noexcept {
  for (Connection* c : dirty_) {
    c->dirty = false;
    if (!c->dead && !c->write_armed) write_pending(*c);
  }
  dirty_.clear();
}

void IceTcpConnections::write_pending(Connection& c) noexcept {
  const int fd = c.socket.native_handle();
  while (c.send_begin < c.send_end) {
    const ssize_t n = ::send(fd, c.send_buffer.data() + c.send_begin, c.send_end - c.send_begin,
                             MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      c.send_begin += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      arm_write(c);
      return;
    }
    close(c);
    return;
  }
  c.send_begin = c.send_end = 0;
}

void IceTcpConnections::arm_write(Connection& c) {
  c.write_armed = true;
  c.socket.async_wait(tcp::socket::wait_write,
                      [this, id = c.id](const boost::system::error_code& ec) {
                        if (ec) return;
                        const auto it = by_id_.find(id);
                        if (it == by_id_.end() || it->second->dead) return;
                        it->second->write_armed = false;
                        write_pending(*it->second);
                        reap();
                      });
}

void IceTcpConnections::close(Connection& c, bool count) noexcept {
  if (c.dead) return;
  c.dead = true;
  if (count) ++counters_.connections_closed;
  boost::system::error_code ec;
  c.socket.close(ec);  // cancels its waits; their handlers find the connection dead or gone
  by_remote_.erase(c.remote);
  dead_.push_back(c.id);  // never reallocates: capacity is max_connections
  handler_.on_tcp_closed(c.remote);
}

void IceTcpConnections::reap() noexcept {
  for (const uint64_t id : dead_) {
    const auto it = by_id_.find(id);
    if (it == by_id_.end()) continue;
    std::erase(dirty_, it->second.get());
    by_id_.erase(it);
  }
  dead_.clear();
}

void IceTcpConnections::close_unless(const std::function<bool(const ice::Endpoint&)>& keep) {
  for (auto& [id, c] : by_id_) {
    if (!c->dead && !keep(c->remote)) close(*c);
  }
  reap();
}

void IceTcpConnections::close_all() noexcept {
  for (auto& [id, c] : by_id_) close(*c);
  reap();
}

}  // namespace tandem::media
