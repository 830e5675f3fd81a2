// Loopback UDP sockets and mmsg batches for the I/O benchmarks, laid out like MediaWorker's
// receive and send arrays (one buffer per datagram with SRTP tail room, recvmmsg/sendmmsg).
#pragma once

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "srtp/srtp_session.hpp"

namespace tandem::bench {

inline constexpr size_t kMaxBatch = 32;                                     // MediaWorker::kBatch
inline constexpr size_t kSlotSize = 1500 + srtp::SrtpSession::kMaxTrailer;  // kBufferSize

// A UDP socket bound to 127.0.0.1 on an ephemeral port, with buffers big enough to hold a whole
// benchmark round of datagrams (8 MB: forced when running as root, else net.core.rmem_max).
class UdpSocket {
 public:
  UdpSocket() : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr_), &len) != 0) {
      std::fprintf(stderr, "cannot bind a UDP socket to 127.0.0.1\n");
      std::exit(2);
    }
    const int size = 8 << 20;
    if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) {
      (void)::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }
    (void)::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  }
  ~UdpSocket() { ::close(fd_); }
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  int fd() const noexcept { return fd_; }
  // Bytes the kernel lets this socket queue (what setsockopt got, doubled by the kernel).
  size_t receive_buffer() const noexcept {
    int bytes = 0;
    socklen_t len = sizeof bytes;
    return ::getsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, &len) == 0 && bytes > 0
               ? static_cast<size_t>(bytes)
               : 0;
  }
  const sockaddr* address() const noexcept { return reinterpret_cast<const sockaddr*>(&addr_); }
  socklen_t address_len() const noexcept { return sizeof addr_; }

 private:
  int fd_;
  sockaddr_in addr_{};
};

// How many datagrams of `size` bytes fit in both receive buffers, so that a round is never
// dropped: the kernel charges each queued datagram its sk_buff and allocation rounding as well
// (about size + 1 kB on loopback), counted twice here to be safe. At least 1.
inline size_t datagrams_fitting(const UdpSocket& a, const UdpSocket& b, size_t size) noexcept {
  const size_t bytes = std::min(a.receive_buffer(), b.receive_buffer());
  return std::max<size_t>(1, bytes / (2 * size + 1024));
}

// Buffers and headers for one recvmmsg or sendmmsg batch.
struct MmsgBatch {
  MmsgBatch() : storage(kMaxBatch * kSlotSize) {}

  std::span<uint8_t> slot(size_t i) noexcept { return {storage.data() + i * kSlotSize, kSlotSize}; }

  // Points every header at its slot and address, as MediaWorker::drain_socket does per round.
  void prepare_receive(size_t n) noexcept {
    for (size_t i = 0; i < n; ++i) {
      iov[i] = {storage.data() + i * kSlotSize, kSlotSize};
      msgs[i].msg_hdr = msghdr{};
      msgs[i].msg_hdr.msg_name = &addrs[i];
      msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_len = 0;
    }
  }
  int receive(int fd, size_t n) noexcept {
    prepare_receive(n);
    return ::recvmmsg(fd, msgs.data(), static_cast<unsigned>(n), MSG_DONTWAIT, nullptr);
  }

  // Queues a copy of datagram for `to` (MediaWorker::send_datagram copies too); false when full.
  bool queue(std::span<const uint8_t> datagram, const sockaddr* to, socklen_t to_len) noexcept {
    if (count == kMaxBatch || datagram.size() > kSlotSize || to_len > sizeof(sockaddr_storage)) {
      return false;
    }
    std::memcpy(storage.data() + count * kSlotSize, datagram.data(), datagram.size());
    iov[count] = {storage.data() + count * kSlotSize, datagram.size()};
    std::memcpy(&addrs[count], to, to_len);
    msgs[count].msg_hdr = msghdr{};
    msgs[count].msg_hdr.msg_name = &addrs[count];
    msgs[count].msg_hdr.msg_namelen = to_len;
    msgs[count].msg_hdr.msg_iov = &iov[count];
    msgs[count].msg_hdr.msg_iovlen = 1;
    ++count;
    return true;
  }
  // sendmmsg until everything queued is out (or an error); returns how many were sent.
  size_t flush(int fd) noexcept {
    size_t sent = 0;
    while (sent < count) {
      const int n = ::sendmmsg(fd, msgs.data() + sent, static_cast<unsigned>(count - sent), 0);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    count = 0;
    return sent;
  }

  // UDP GSO (Linux 4.18+, UDP_SEGMENT): everything queued leaves in one sendmsg as one
  // super-datagram that the stack (or the NIC) cuts into segments of the first datagram's size.
  // Only valid when all queued datagrams go to the first one's destination and all but the last
  // have the same size; the caller guarantees that. Returns how many datagrams were sent.
  size_t flush_gso(int fd) noexcept {
    if (count == 0) return 0;
    const auto segment = static_cast<uint16_t>(iov[0].iov_len);
    alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(uint16_t))> control{};
    msghdr hdr = msgs[0].msg_hdr;
    hdr.msg_iov = iov.data();
    hdr.msg_iovlen = count;
    hdr.msg_control = control.data();
    hdr.msg_controllen = control.size();
    cmsghdr* cmsg = CMSG_FIRSTHDR(&hdr);
    cmsg->cmsg_level = SOL_UDP;
    cmsg->cmsg_type = kUdpSegment;
    cmsg->cmsg_len = CMSG_LEN(sizeof segment);
    std::memcpy(CMSG_DATA(cmsg), &segment, sizeof segment);
    const size_t sent = ::sendmsg(fd, &hdr, 0) >= 0 ? count : 0;
    count = 0;
    return sent;
  }

  static constexpr int kUdpSegment = 103;  // UDP_SEGMENT, <linux/udp.h>

  // Whether the kernel knows UDP_SEGMENT (reading the option fails before Linux 4.18).
  static bool gso_supported(int fd) noexcept {
    int value = 0;
    socklen_t len = sizeof value;
    return ::getsockopt(fd, SOL_UDP, kUdpSegment, &value, &len) == 0;
  }

  std::vector<uint8_t> storage;
  std::array<mmsghdr, kMaxBatch> msgs{};
  std::array<iovec, kMaxBatch> iov{};
  std::array<sockaddr_storage, kMaxBatch> addrs{};
  size_t count = 0;
};

}  // namespace tandem::bench
