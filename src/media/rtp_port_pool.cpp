#include "media/rtp_port_pool.hpp"

#include <boost/asio/ip/address.hpp>

namespace tandem::media {

namespace asio = boost::asio;
using asio::ip::udp;

Result<PortRange> rtp_port_slice(uint16_t first, uint16_t last, uint32_t index, uint32_t count) {
  const uint16_t even = static_cast<uint16_t>(first + (first % 2));
  const PortRange all{even, last};
  const std::string range = std::to_string(first) + "-" + std::to_string(last);
  if (first == 0 || last < first || count == 0 || index >= count) {
    return Error{"media: bad RTP port range " + range};
  }
  const size_t per_worker = all.pairs() / count;
  if (per_worker == 0) {
    return Error{"media: RTP port range " + range + " has fewer port pairs than the " +
                 std::to_string(count) + " media workers"};
  }
  const auto start = static_cast<uint16_t>(even + 2 * per_worker * index);
  return PortRange{start, static_cast<uint16_t>(start + 2 * per_worker - 1)};
}

RtpPortPool::RtpPortPool(PortRange range, std::string bind_address)
    : range_(range), bind_address_(std::move(bind_address)), in_use_(range.pairs(), false) {}

namespace {

Result<udp::socket> bind_socket(asio::io_context& io, const asio::ip::address& address,
                                uint16_t port) {
  udp::socket socket(io);
  boost::system::error_code ec;
  socket.open(address.is_v4() ? udp::v4() : udp::v6(), ec);
  if (!ec) socket.bind(udp::endpoint(address, port), ec);
  if (!ec) socket.non_blocking(true, ec);
  if (ec) return Error{ec.message()};
  return socket;
}

}  // namespace

Result<RtpSocketPair> RtpPortPool::acquire(asio::io_context& io) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(bind_address_, ec);
  if (ec) return Error{"media: bad SIP-side media address '" + bind_address_ + "'"};
  const size_t pairs = in_use_.size();
  for (size_t tried = 0; tried < pairs; ++tried) {
    const size_t slot = next_;
    next_ = (next_ + 1) % pairs;
    if (in_use_[slot]) continue;
    const auto port = static_cast<uint16_t>(range_.first + 2 * slot);
    auto rtp = bind_socket(io, address, port);
    if (!rtp) continue;  // held by another program: skip the pair
    auto rtcp = bind_socket(io, address, static_cast<uint16_t>(port + 1));
    if (!rtcp) continue;
    in_use_[slot] = true;
    ++in_use_count_;
    return RtpSocketPair{std::move(rtp.value()), std::move(rtcp.value()), port};
  }
  return Error{"media: no free RTP port pair in " + std::to_string(range_.first) + "-" +
               std::to_string(range_.last) + " (" + std::to_string(in_use_count_) +
               " in use by calls)"};
}

void RtpPortPool::release(uint16_t port) noexcept {
  if (port < range_.first || port > range_.last) return;
  const size_t slot = (port - range_.first) / 2;
  if (slot < in_use_.size() && in_use_[slot]) {
    in_use_[slot] = false;
    --in_use_count_;
  }
}

}  // namespace tandem::media
