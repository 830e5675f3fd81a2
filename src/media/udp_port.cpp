#include "media/udp_port.hpp"

#include <netinet/udp.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <cerrno>
#include <cstring>

namespace tandem::media {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

// Whether the kernel knows UDP_SEGMENT (Linux 4.18+): reading the option fails before that.
bool kernel_has_gso(int fd) noexcept {
  int value = 0;
  socklen_t len = sizeof value;
  return ::getsockopt(fd, SOL_UDP, UDP_SEGMENT, &value, &len) == 0;
}

// The errors with which a kernel refuses a GSO send it cannot do: EIO (no checksum offload on
// the route's device, or IPsec), EINVAL (segment above the path MTU, SO_NO_CHECK, too many
// segments), ENOPROTOOPT (no UDP_SEGMENT at all).
bool gso_refused(int error) noexcept {
  return error == EIO || error == EINVAL || error == ENOPROTOOPT;
}

}  // namespace

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
  p->gso_ = kernel_has_gso(p->socket_.native_handle());
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
  tx_addr_lens_[i] = to.to_sockaddr(tx_addrs_[i]);
  tx_to_[i] = to;
  tx_datagrams_[i] = TxDatagram{destination_id(to), static_cast<uint16_t>(datagram.size())};
}

// A small id per distinct destination of the batch. Searched from the latest destination back,
// since consecutive datagrams (a video frame's packets) usually share one.
uint16_t UdpPort::destination_id(const ice::Endpoint& to) noexcept {
  for (size_t d = tx_destinations_; d-- > 0;) {
    if (tx_to_[tx_distinct_[d]] == to) return static_cast<uint16_t>(d);
  }
  tx_distinct_[tx_destinations_] = static_cast<uint16_t>(tx_count_ - 1);
  return static_cast<uint16_t>(tx_destinations_++);
}

void UdpPort::flush(UdpPortCounters& counters) noexcept {
  if (tx_count_ == 0) return;
  const GsoLimits limits{gso_ ? kMaxGsoSegments : 1, kMaxGsoBytes};
  const size_t count =
      plan_gso_sends(std::span(tx_datagrams_).first(tx_count_), limits, tx_order_, tx_sends_);
  for (size_t pos = 0; pos < tx_count_; ++pos) tx_send_iov_[pos] = tx_iov_[tx_order_[pos]];
  for (size_t k = 0; k < count; ++k) prepare_message(k);
  send_messages(count, counters);
  tx_count_ = 0;
  tx_destinations_ = 0;
}

// Message k of the sendmmsg call from plan entry tx_sends_[k].
void UdpPort::prepare_message(size_t k) noexcept {
  const TxSend& send = tx_sends_[k];
  const size_t first = tx_order_[send.first];
  msghdr& hdr = tx_msgs_[k].msg_hdr;
  hdr = msghdr{};
  hdr.msg_name = &tx_addrs_[first];
  hdr.msg_namelen = tx_addr_lens_[first];
  hdr.msg_iov = &tx_send_iov_[send.first];
  hdr.msg_iovlen = send.count;
  if (send.segment_size == 0) return;
  hdr.msg_control = tx_control_[k].bytes.data();
  hdr.msg_controllen = tx_control_[k].bytes.size();
  cmsghdr* cmsg = CMSG_FIRSTHDR(&hdr);
  cmsg->cmsg_level = SOL_UDP;
  cmsg->cmsg_type = UDP_SEGMENT;
  cmsg->cmsg_len = CMSG_LEN(sizeof(uint16_t));
  std::memcpy(CMSG_DATA(cmsg), &send.segment_size, sizeof(uint16_t));
}

// Re-plans messages from_message onwards as one datagram each (the plan's positions are in
// message order, so they are the positions from that message's first on); returns the new
// message count. Fits: every earlier message carried at least one datagram.
size_t UdpPort::split_into_datagrams(size_t from_message) noexcept {
  const size_t first = tx_sends_[from_message].first;
  size_t k = from_message;
  for (size_t pos = first; pos < tx_count_; ++pos, ++k) {
    tx_sends_[k] = TxSend{static_cast<uint16_t>(pos), 1, 0};
    prepare_message(k);
  }
  return k;
}

void UdpPort::send_messages(size_t count, UdpPortCounters& counters) noexcept {
  const int fd = socket_.native_handle();
  size_t done = 0;
  while (done < count) {
    const int n =
        ::sendmmsg(fd, tx_msgs_.data() + done, static_cast<unsigned>(count - done), MSG_DONTWAIT);
    if (n > 0) {
      for (size_t k = done; k < done + static_cast<size_t>(n); ++k) {
        counters.datagrams_sent += tx_sends_[k].count;
        counters.gso_sends += tx_sends_[k].count > 1 ? 1 : 0;
      }
      done += static_cast<size_t>(n);
      continue;
    }
    const int error = n < 0 ? errno : EAGAIN;
    if (error == EINTR) continue;
    if (tx_sends_[done].segment_size != 0 && gso_refused(error)) {
      // This kernel or route cannot do GSO: off for this socket, the rest go one by one.
      gso_ = false;
      ++counters.gso_disabled;
      count = split_into_datagrams(done);
      continue;
    }
    if (error != EAGAIN && error != EWOULDBLOCK) {
      // A per-destination error (unreachable, refused): drop that message, send the rest.
      counters.send_errors += tx_sends_[done].count;
      ++done;
      continue;
    }
    // Socket buffer full: drop the rest of the batch (UDP, the peer recovers).
    for (; done < count; ++done) counters.send_errors += tx_sends_[done].count;
  }
}

void UdpPort::close() noexcept {
  boost::system::error_code ec;
  socket_.close(ec);
}

}  // namespace tandem::media
