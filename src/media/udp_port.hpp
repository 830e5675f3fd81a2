// One UDP socket of a media worker, shared by all its sessions (DESIGN.md §2), with its
// recvmmsg(2)/sendmmsg(2) batches. Buffers are allocated once and have SRTP tail room, so a
// received packet can be transformed in place. A worker has one port per address family.
// Sending, a batch is grouped by destination (gso_plan): a run of one destination's datagrams of
// one size leaves as one UDP GSO message (UDP_SEGMENT) within the same sendmmsg call, which the
// kernel cuts into the original datagrams; where the kernel refuses GSO, it is switched off
// for the socket and those datagrams are sent one by one, so nothing is lost.
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
#include "media/gso_plan.hpp"
#include "media/webrtc_transport.hpp"

namespace tandem::media {

struct UdpPortCounters {
  uint64_t datagrams_received = 0;
  uint64_t datagrams_sent = 0;
  uint64_t send_errors = 0;
  uint64_t receive_batches = 0;
  uint64_t gso_sends = 0;     // messages that carried several datagrams (UDP_SEGMENT)
  uint64_t gso_disabled = 0;  // sockets whose kernel refused GSO (then off for that socket)
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

  // Whether sends may use UDP GSO: the kernel knows UDP_SEGMENT and has not refused it yet.
  bool gso_enabled() const noexcept { return gso_; }
  // Sends every datagram on its own from now on (an operator's switch, and the benchmarks'
  // reference without GSO).
  void disable_gso() noexcept { gso_ = false; }

 private:
  explicit UdpPort(boost::asio::io_context& io);
  int receive_batch() noexcept;
  uint16_t destination_id(const ice::Endpoint& to) noexcept;
  void prepare_message(size_t k) noexcept;
  size_t split_into_datagrams(size_t from_message) noexcept;
  void send_messages(size_t count, UdpPortCounters& counters) noexcept;

  // The control buffer of one GSO message: a cmsghdr with the 16-bit segment size.
  struct alignas(cmsghdr) GsoControl {
    std::array<unsigned char, CMSG_SPACE(sizeof(uint16_t))> bytes;
  };

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
  std::array<socklen_t, kBatch> tx_addr_lens_{};
  // Per queued datagram: destination and size (the plan's input), and where it goes.
  std::array<TxDatagram, kBatch> tx_datagrams_{};
  std::array<ice::Endpoint, kBatch> tx_to_{};
  std::array<uint16_t, kBatch> tx_distinct_{};  // first datagram of each destination
  size_t tx_destinations_ = 0;
  // The plan: datagrams in send order, the messages over them, their iovecs and control data.
  std::array<uint16_t, kBatch> tx_order_{};
  std::array<TxSend, kBatch> tx_sends_{};
  std::array<iovec, kBatch> tx_send_iov_{};
  std::array<GsoControl, kBatch> tx_control_{};
  size_t tx_count_ = 0;
  bool gso_ = false;
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
