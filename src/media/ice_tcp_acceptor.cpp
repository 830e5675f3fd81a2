#include "media/ice_tcp_acceptor.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>
#include <utility>

#include "ice/stun_view.hpp"
#include "media/ice_credentials.hpp"
#include "media/packet_class.hpp"
#include "media/rfc4571_framer.hpp"

namespace tandem::media {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
// The smallest STUN message: its 20-byte header.
constexpr size_t kMinStun = 20;
}  // namespace

struct IceTcpAcceptor::Pending {
  Pending(tcp::socket s, asio::io_context& io, size_t capacity)
      : socket(std::move(s)), timer(io), buffer(capacity) {}
  uint64_t id = 0;
  tcp::socket socket;
  asio::steady_timer timer;
  std::vector<uint8_t> buffer;  // one maximal frame with its header
  size_t size = 0;
  ice::Endpoint remote;
};

IceTcpAcceptor::IceTcpAcceptor(asio::io_context& io, const IceTcpAcceptorConfig& config,
                               uint32_t worker_count, Handoff handoff)
    : io_(io), config_(config), worker_count_(worker_count), handoff_(std::move(handoff)) {}

IceTcpAcceptor::~IceTcpAcceptor() { stop(); }

Result<std::unique_ptr<IceTcpAcceptor>> IceTcpAcceptor::create(asio::io_context& io,
                                                               const IceTcpAcceptorConfig& config,
                                                               uint32_t worker_count,
                                                               Handoff handoff) {
  if (config.addresses.empty()) return Error{"ICE-TCP: no listening address"};
  std::unique_ptr<IceTcpAcceptor> a(
      new IceTcpAcceptor(io, config, worker_count, std::move(handoff)));
  uint16_t port = config.port;
  for (const std::string& address : config.addresses) {
    boost::system::error_code ec;
    const auto ip = asio::ip::make_address(address, ec);
    if (ec) return Error{"ICE-TCP: bad listening address '" + address + "'"};
    const std::string where =
        (ip.is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(port);
    auto acceptor = std::make_unique<tcp::acceptor>(io);
    const tcp::endpoint bind_to(ip, port);
    acceptor->open(bind_to.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec && ip.is_v6()) acceptor->set_option(asio::ip::v6_only(true), ec);
    if (!ec) acceptor->bind(bind_to, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Error{"ICE-TCP: cannot listen on " + where + ": " + ec.message()};
    const auto local = acceptor->local_endpoint(ec);
    if (ec) return Error{"ICE-TCP: " + ec.message()};
    port = local.port();  // the other addresses share the port the first one got
    const auto endpoint =
        ice::Endpoint::from_sockaddr(local.data(), static_cast<socklen_t>(local.size()));
    if (!endpoint) return Error{"ICE-TCP: unsupported local address " + where};
    a->local_.push_back(endpoint->with_transport(ice::Endpoint::Transport::kTcp));
    a->acceptors_.push_back(std::move(acceptor));
  }
  return a;
}

void IceTcpAcceptor::start() {
  for (auto& acceptor : acceptors_) arm_accept(*acceptor);
}

void IceTcpAcceptor::stop() {
  stopped_ = true;
  boost::system::error_code ec;
  for (auto& acceptor : acceptors_) acceptor->close(ec);
  pending_.clear();
}

void IceTcpAcceptor::arm_accept(tcp::acceptor& acceptor) {
  acceptor.async_accept([this, &acceptor](const boost::system::error_code& ec, tcp::socket s) {
    if (stopped_ || ec == asio::error::operation_aborted) return;
    if (!ec) on_accepted(std::move(s));
    arm_accept(acceptor);  // transient errors (EMFILE, ECONNABORTED) do not stop the port
  });
}

void IceTcpAcceptor::on_accepted(tcp::socket socket) {
  ++counters_.accepted;
  if (pending_.size() >= config_.max_pending) {
    ++counters_.over_limit;
    return;  // the socket closes here
  }
  boost::system::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  if (ec) return;
  const auto remote =
      ice::Endpoint::from_sockaddr(peer.data(), static_cast<socklen_t>(peer.size()));
  if (!remote) return;
  auto p = std::make_unique<Pending>(std::move(socket), io_,
                                     Rfc4571Framer::kHeaderSize + config_.max_frame);
  p->id = next_id_++;
  p->remote = remote->with_transport(ice::Endpoint::Transport::kTcp);
  p->timer.expires_after(config_.first_frame_timeout);
  p->timer.async_wait([this, id = p->id](const boost::system::error_code& e) {
    if (e || stopped_) return;
    ++counters_.timeouts;
    drop(id);
  });
  Pending& ref = *p;
  pending_.emplace(p->id, std::move(p));
  arm_read(ref);
}

void IceTcpAcceptor::arm_read(Pending& p) {
  p.socket.async_read_some(asio::buffer(p.buffer.data() + p.size, p.buffer.size() - p.size),
                           [this, id = p.id](const boost::system::error_code& ec, size_t n) {
                             if (stopped_ || ec == asio::error::operation_aborted) return;
                             if (ec) {
                               if (pending_.contains(id))
                                 ++counters_.timeouts;  // closed before a whole frame
                               drop(id);
                               return;
                             }
                             on_read(id, n);
                           });
}

void IceTcpAcceptor::on_read(uint64_t id, size_t n) {
  const auto it = pending_.find(id);
  if (it == pending_.end()) return;
  Pending& p = *it->second;
  p.size += n;
  if (p.size < Rfc4571Framer::kHeaderSize) return arm_read(p);
  const size_t length = (static_cast<size_t>(p.buffer[0]) << 8) | p.buffer[1];
  if (length < kMinStun || length > config_.max_frame) {
    ++counters_.rejected_not_stun;
    return drop(id);
  }
  if (p.size < Rfc4571Framer::kHeaderSize + length) return arm_read(p);
  const auto frame = std::span<const uint8_t>(p.buffer).subspan(Rfc4571Framer::kHeaderSize, length);
  const auto message =
      classify_datagram(frame) == PacketClass::kStun ? ice::StunView::parse(frame) : std::nullopt;
  if (!message || !message->is_binding_request()) {
    ++counters_.rejected_not_stun;
    return drop(id);
  }
  const auto ufrag = ice::local_ufrag_of(*message);
  const auto worker = ufrag ? worker_of_ufrag(*ufrag) : std::nullopt;
  if (!worker || *worker >= worker_count_) {
    ++counters_.rejected_unknown_ufrag;
    return drop(id);
  }
  boost::system::error_code ec;
  p.timer.cancel();
  const int fd = p.socket.release(ec);
  if (ec) return drop(id);
  std::vector<uint8_t> initial(p.buffer.begin(), p.buffer.begin() + static_cast<long>(p.size));
  const ice::Endpoint remote = p.remote;
  pending_.erase(it);
  ++counters_.handed_over;
  handoff_(*worker, fd, remote, std::move(initial));
}

void IceTcpAcceptor::drop(uint64_t id) { pending_.erase(id); }

}  // namespace tandem::media
