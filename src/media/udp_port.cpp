#include "media/udp_port.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <cerrno>
#include <cstring>

namespace tandem::media {

namespace asio = boost::asio;
using asio::ip::udp;

UdpPort::UdpPort(asio::io_context& io)
    : socket_(io), rx_storage_(kBatch * kBufferSize), tx_storage_(kBatch * kBufferSize) {
  for (size_t i = 0; i < kBatch; ++i) {
    rx_iov_[i] = iovec{rx_storage_.data() + i * kBufferSize, kMaxDatagram};
    tx_iov_[i] = iovec{tx_storage_.data() + i * kBufferSize, 0};
  }
}

Result<std::unique_ptr<UdpPort>> UdpPort::open(asio::io_context& io, const std::string& address,
                                               uint16_t port) {
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) return Error{"media: bad bind address '" + address + "'"};
  const std::string where = ip.is_v6() ? "[" + address + "]:" + std::to_string(port)
                                       : address + ":" + std::to_string(port);
  std::unique_ptr<UdpPort> p(new UdpPort(io));
  udp::endpoint bind_to(ip, port);
  p->socket_.open(bind_to.protocol(), ec);
  if (!ec && ip.is_v6()) p->socket_.set_option(asio::ip::v6_only(true), ec);
  if (!ec) p->socket_.set_option(asio::socket_base::receive_buffer_size(1 << 20), ec);
  if (!ec) p->socket_.bind(bind_to, ec);
  if (!ec) p->socket_.non_blocking(true, ec);
  if (ec) return Error{"media: cannot bind UDP " + where + ": " + ec.message()};
  const auto local = p->socket_.local_endpoint(ec);
  if (ec) return Error{"media: " + ec.message()};
  auto endpoint = ice::Endpoint::from_sockaddr(local.data(), static_cast<socklen_t>(local.size()));
  if (!endpoint) return Error{"media: unsupported local address " + where};
  p->local_ = *endpoint;
  return p;
}

int UdpPort::receive_batch() noexcept {
  for (size_t i = 0; i < kBatch; ++i) {
    rx_msgs_[i].msg_hdr = msghdr{};
    rx_msgs_[i].msg_hdr.msg_name = &rx_addrs_[i];
    rx_msgs_[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    rx_msgs_[i].msg_hdr.msg_iov = &rx_iov_[i];
    rx_msgs_[i].msg_hdr.msg_iovlen = 1;
    rx_msgs_[i].msg_len = 0;
  }
  return ::recvmmsg(socket_.native_handle(), rx_msgs_.data(), kBatch, MSG_DONTWAIT, nullptr);
}

void UdpPort::queue(std::span<const uint8_t> datagram, const ice::Endpoint& to,
                    UdpPortCounters& counters) noexcept {
  if (datagram.size() > kBufferSize) return;
  if (tx_count_ == kBatch) flush(counters);
  const size_t i = tx_count_++;
  std::memcpy(tx_storage_.data() + i * kBufferSize, datagram.data(), datagram.size());
  tx_iov_[i].iov_len = datagram.size();
  tx_msgs_[i].msg_hdr = msghdr{};
  tx_msgs_[i].msg_hdr.msg_name = &tx_addrs_[i];
  tx_msgs_[i].msg_hdr.msg_namelen = to.to_sockaddr(tx_addrs_[i]);
  tx_msgs_[i].msg_hdr.msg_iov = &tx_iov_[i];
  tx_msgs_[i].msg_hdr.msg_iovlen = 1;
}

void UdpPort::flush(UdpPortCounters& counters) noexcept {
  size_t sent = 0;
  const int fd = socket_.native_handle();
  while (sent < tx_count_) {
    const int n = ::sendmmsg(fd, tx_msgs_.data() + sent, static_cast<unsigned>(tx_count_ - sent),
                             MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      // A per-destination error (unreachable, refused): drop that datagram, send the rest.
      ++counters.send_errors;
      ++sent;
      continue;
    }
    if (n <= 0) {
      // Socket buffer full: drop the rest of the batch (UDP, the peer recovers).
      counters.send_errors += tx_count_ - sent;
      break;
    }
    sent += static_cast<size_t>(n);
  }
  counters.datagrams_sent += sent;
  tx_count_ = 0;
}

void UdpPort::close() noexcept {
  boost::system::error_code ec;
  socket_.close(ec);
}

}  // namespace tandem::media
