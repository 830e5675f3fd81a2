// The one ICE-TCP listening port (RFC 6544 passive candidates) shared by all media workers
// (DESIGN.md §2). A connection is attributed to a session by the USERNAME of its first STUN
// Binding request: the acceptor reads that first RFC 4571 frame, takes the worker index from our
// ufrag (ice_credentials.hpp) and hands the socket, with every byte read so far, to that worker;
// the worker checks the credentials like any other check. Anything else is closed and counted:
// a first frame that is not a Binding request, an oversize length, a ufrag that names no worker,
// nothing complete within first_frame_timeout. Runs on the caller's io_context (the signaling
// thread): only the first frame of each connection passes through it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "ice/endpoint.hpp"

namespace tandem::media {

struct IceTcpAcceptorConfig {
  std::vector<std::string> addresses;  // one listening socket per address, all on `port`
  uint16_t port = 0;                   // 0: the kernel picks one (for the first address)
  size_t max_frame = 1500;
  Duration first_frame_timeout{5000};
  size_t max_pending = 256;  // connections still waiting for their first frame
};

struct IceTcpAcceptorCounters {
  uint64_t accepted = 0;
  uint64_t handed_over = 0;
  uint64_t rejected_not_stun = 0;       // first frame not a STUN Binding request, or oversize
  uint64_t rejected_unknown_ufrag = 0;  // USERNAME names no worker of ours
  uint64_t timeouts = 0;                // no complete first frame in time, or closed before it
  uint64_t over_limit = 0;              // max_pending reached
};

class IceTcpAcceptor {
 public:
  // Receives ownership of `fd`, connected to `remote`, whose first bytes are `initial`.
  using Handoff = std::function<void(uint32_t worker, int fd, const ice::Endpoint& remote,
                                     std::vector<uint8_t> initial)>;

  static Result<std::unique_ptr<IceTcpAcceptor>> create(boost::asio::io_context& io,
                                                        const IceTcpAcceptorConfig& config,
                                                        uint32_t worker_count, Handoff handoff);
  ~IceTcpAcceptor();
  IceTcpAcceptor(const IceTcpAcceptor&) = delete;
  IceTcpAcceptor& operator=(const IceTcpAcceptor&) = delete;

  void start();
  void stop();

  // The listening addresses (transport TCP), in config order.
  const std::vector<ice::Endpoint>& local_endpoints() const noexcept { return local_; }
  const IceTcpAcceptorCounters& counters() const noexcept { return counters_; }

 private:
  struct Pending;
  IceTcpAcceptor(boost::asio::io_context& io, const IceTcpAcceptorConfig& config,
                 uint32_t worker_count, Handoff handoff);
  void arm_accept(boost::asio::ip::tcp::acceptor& acceptor);
  void on_accepted(boost::asio::ip::tcp::socket socket);
  void arm_read(Pending& p);
  void on_read(uint64_t id, size_t n);
  void drop(uint64_t id);

  boost::asio::io_context& io_;
  IceTcpAcceptorConfig config_;
  uint32_t worker_count_;
  Handoff handoff_;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
  std::vector<ice::Endpoint> local_;
  std::unordered_map<uint64_t, std::unique_ptr<Pending>> pending_;
  uint64_t next_id_ = 1;
  bool stopped_ = false;
  IceTcpAcceptorCounters counters_;
};

}  // namespace tandem::media
