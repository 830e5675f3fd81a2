// One UDP socket of a media worker, shared by all its sessions (DESIGN.md §2), with its
// recvmmsg(2)/sendmmsg(2) batches. Buffers are allocated once and have SRTP tail room, so a
// received packet can be transformed in place. A worker has one port per address family.
#pragma once

#include <sys/socket.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "ice/endpoint.hpp"
#include "media/webrtc_transport.hpp"

namespace tandem::media {

struct UdpPortCounters {
  uint64_t datagrams_received = 0;
  uint64_t datagrams_sent = 0;
  uint64_t send_errors = 0;
  uint64_t receive_batches = 0;
};

class UdpPort {
 public:
  static constexpr size_t kBatch = 32;
  static constexpr size_t kMaxDatagram = 1500;
  static constexpr size_t kBufferSize = kMaxDatagram + WebRtcTransport::kTailRoom;

  // Binds now, so that "address in use" is a start-up error.
  static Result<std::unique_ptr<UdpPort>> open(boost::asio::io_context& io,
                                               const std::string& address, uint16_t port);
  UdpPort(const UdpPort&) = delete;
  UdpPort& operator=(const UdpPort&) = delete;

  const ice::Endpoint& local_endpoint() const noexcept { return local_; }
  boost::asio::ip::udp::socket& socket() noexcept { return socket_; }

  // Reads what is queued, in batches (bounded, so one busy port cannot starve the worker's
  // timers), and calls on_datagram(buffer, length, from, now) for each datagram; the buffer is
  // kBufferSize long and may be modified. Flushes the send batch after each receive batch.
  template <typename OnDatagram>
  void drain(OnDatagram&& on_datagram, UdpPortCounters& counters) noexcept;

  // Copies the datagram into the send batch (flushing first when full).
  void queue(std::span<const uint8_t> datagram, const ice::Endpoint& to,
             UdpPortCounters& counters) noexcept;
  void flush(UdpPortCounters& counters) noexcept;
  void close() noexcept;

 private:
  explicit UdpPort(boost::asio::io_context& io);
  int receive_batch() noexcept;

  boost::asio::ip::udp::socket socket_;
  ice::Endpoint local_;
  std::vector<uint8_t> rx_storage_;  // kBatch * kBufferSize
  std::array<mmsghdr, kBatch> rx_msgs_{};
  std::array<iovec, kBatch> rx_iov_{};
  std::array<sockaddr_storage, kBatch> rx_addrs_{};
  std::vector<uint8_t> tx_storage_;  // kBatch * kBufferSize
  std::array<mmsghdr, kBatch> tx_msgs_{};
  std::array<iovec, kBatch> tx_iov_{};
  std::array<sockaddr_storage, kBatch> tx_addrs_{};
  size_t tx_count_ = 0;
};

template <typename OnDatagram>
void UdpPort::drain(OnDatagram&& on_datagram, UdpPortCounters& counters) noexcept {
  for (int round = 0; round < 8; ++round) {
    const int n = receive_batch();
    if (n <= 0) break;
    ++counters.receive_batches;
    const TimePoint now = SteadyClock::now();
    for (int i = 0; i < n; ++i) {
      const auto& hdr = rx_msgs_[i].msg_hdr;
      if ((hdr.msg_flags & MSG_TRUNC) != 0) continue;
      const auto from = ice::Endpoint::from_sockaddr(
          reinterpret_cast<const sockaddr*>(hdr.msg_name), hdr.msg_namelen);
      if (!from) continue;
      ++counters.datagrams_received;
      auto buffer = std::span<uint8_t>(rx_storage_.data() + static_cast<size_t>(i) * kBufferSize,
                                       kBufferSize);
      on_datagram(buffer, static_cast<size_t>(rx_msgs_[i].msg_len), *from, now);
    }
    flush(counters);
    if (static_cast<size_t>(n) < kBatch) break;
  }
}

}  // namespace tandem::media
