// The ICE-TCP connections (RFC 6544, passive side) that a media worker owns: each was accepted
// by the IceTcpAcceptor and handed over with the bytes read so far. Frames (RFC 4571) are copied
// into one scratch buffer with SRTP tail room and given to the worker exactly like UDP datagrams,
// with the connection's remote address (transport TCP) as the source; what the sessions send to
// such an address is framed into the connection's send buffer and written at flush(). Buffers
// are allocated when a connection is adopted, never per packet. A connection that overflows a
// frame, errs or closes is closed alone and counted; its sessions are told through on_closed.
// Worker-thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "common/clock.hpp"
#include "ice/endpoint.hpp"
#include "media/rfc4571_framer.hpp"
#include "media/session_table.hpp"

namespace tandem::media {

struct IceTcpCounters {
  uint64_t connections_adopted = 0;
  uint64_t connections_rejected = 0;  // the first frame was not a valid check for a session
  uint64_t connections_closed = 0;    // by the peer, an error, or their session ending
  uint64_t oversize_frames = 0;       // length prefix above the limit (connection closed)
  uint64_t frames_received = 0;
  uint64_t frames_sent = 0;
  uint64_t send_dropped = 0;  // no connection for the address, or its send buffer full
};

// What the worker does with the traffic of its ICE-TCP connections.
class IceTcpHandler {
 public:
  // One frame at buffer[0..length); buffer has SRTP tail room and may be modified.
  virtual void on_tcp_frame(std::span<uint8_t> buffer, size_t length, const ice::Endpoint& from,
                            TimePoint now) noexcept = 0;
  // True once an authenticated check made `from` a path of a session.
  virtual bool is_bound(const ice::Endpoint& from) const noexcept = 0;
  virtual void on_tcp_closed(const ice::Endpoint& from) noexcept = 0;
  // After a read's frames were handled: flush what they produced.
  virtual void on_tcp_read_done() noexcept = 0;

 protected:
  ~IceTcpHandler() = default;
};

class IceTcpConnections {
 public:
  static constexpr size_t kSendBufferSize = size_t{32} * 1024;

  // `max_frame` bounds received frames; `scratch_size` (>= max_frame + SRTP tail room) is the
  // buffer handed to on_tcp_frame.
  IceTcpConnections(boost::asio::io_context& io, IceTcpHandler& handler, size_t max_frame,
                    size_t scratch_size, size_t max_connections);
  ~IceTcpConnections();
  IceTcpConnections(const IceTcpConnections&) = delete;
  IceTcpConnections& operator=(const IceTcpConnections&) = delete;

  // Takes ownership of a connected socket `fd` whose first bytes (at least one whole frame)
  // were already read. The first frame must make the connection a session's path (is_bound),
  // otherwise it is closed and counted as rejected.
  void adopt(int fd, const ice::Endpoint& remote, std::span<const uint8_t> initial, TimePoint now);
  // Frames `datagram` for the connection whose remote address is `to`. False when dropped.
  bool send(std::span<const uint8_t> datagram, const ice::Endpoint& to) noexcept;
  // Writes every pending send buffer as far as the kernel takes it.
  void flush() noexcept;
  // Closes the connections for which `keep` is false (their session ended).
  void close_unless(const std::function<bool(const ice::Endpoint&)>& keep);
  void close_all() noexcept;
  // Destroys closed connections; call where no connection handler is on the stack.
  void reap() noexcept;

  size_t size() const noexcept { return by_id_.size(); }
  const IceTcpCounters& counters() const noexcept { return counters_; }

 private:
  struct Connection;
  void arm_read(Connection& c);
  void arm_write(Connection& c);
  void on_readable(uint64_t id) noexcept;
  void handle_frames(Connection& c, TimePoint now) noexcept;
  void write_pending(Connection& c) noexcept;
  void close(Connection& c, bool count = true) noexcept;

  boost::asio::io_context& io_;
  IceTcpHandler& handler_;
  size_t max_frame_;
  std::vector<uint8_t> scratch_;
  size_t max_connections_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> by_id_;
  std::unordered_map<ice::Endpoint, Connection*, EndpointHash> by_remote_;
  std::vector<Connection*> dirty_;  // with pending bytes; capacity reserved up front
  std::vector<uint64_t> dead_;      // closed, to be destroyed outside their handlers
  IceTcpCounters counters_;
};

}  // namespace tandem::media
