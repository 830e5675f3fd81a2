// Loopback UDP sockets and mmsg batches for the I/O benchmarks, laid out like MediaWorker's
// receive and send arrays (one buffer per datagram with SRTP tail room, recvmmsg/sendmmsg), and
// the TUN device that stands in for a NIC's transmit (tx=tun-nic, bench/run-in-netns.sh).
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "srtp/srtp_session.hpp"

namespace tandem::bench {

inline constexpr size_t kMaxBatch = 32;                                     // MediaWorker::kBatch
inline constexpr size_t kSlotSize = 1500 + srtp::SrtpSession::kMaxTrailer;  // kBufferSize

// A UDP socket bound to 127.0.0.1 on an ephemeral port, with buffers big enough to hold a whole
// benchmark round of datagrams (8 MB: forced when running as root, else net.core.rmem_max).
// any_address binds 0.0.0.0 instead, as a server does: the kernel refuses to send from 127.0.0.1
// through a non-loopback device (the dummy NIC); address() still names 127.0.0.1 and the port.
class UdpSocket {
 public:
  explicit UdpSocket(bool any_address = false)
      : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(any_address ? INADDR_ANY : INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr_), &len) != 0) {
      std::fprintf(stderr, "cannot bind a UDP socket to 127.0.0.1\n");
      std::exit(2);
    }
    addr_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
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

  std::vector<uint8_t> storage;
  std::array<mmsghdr, kMaxBatch> msgs{};
  std::array<iovec, kMaxBatch> iov{};
  std::array<sockaddr_storage, kMaxBatch> addrs{};
  size_t count = 0;
};

// The "NIC" transmit target of the tx=tun-nic lines (bench/run-in-netns.sh): an address routed
// to a TUN device in a private network namespace, attached here and read only between rounds.
// Sending there costs the whole UDP/IP output path, the device's qdisc and a driver's transmit
// (tun_net_xmit puts the packet on the device's ring, like a NIC driver on its TX ring, minus
// the DMA), and nothing of a receiver's work, which loopback charges to the sender. Reading the
// ring between rounds is the "completion" part, untimed; it also lets every packet be checked.
// (The dummy driver, which would just free the packets, is not built into this VM's kernel.)
// A GSO message sent there is cut into its datagrams in software before the driver's transmit
// (the device offers no UDP segmentation offload), as for a NIC without USO.
class TunNic {
 public:
  static constexpr const char* kDevice = "tnic0";  // run-in-netns.sh creates it
  static constexpr uint16_t kPort = 5004;

  // "--tx-nic ADDR" from the command line; nullopt when absent. Exits 2 on a bad address.
  static std::optional<in_addr> address_from_args(int argc, char** argv) {
    for (int i = 1; i + 1 < argc; ++i) {
      if (std::string_view(argv[i]) != "--tx-nic") continue;
      in_addr address{};
      if (::inet_pton(AF_INET, argv[i + 1], &address) != 1) {
        std::fprintf(stderr, "--tx-nic: not an IPv4 address: %s\n", argv[i + 1]);
        std::exit(2);
      }
      return address;
    }
    return std::nullopt;
  }

  // Attaches to the device, then proves the route with one datagram sent from a socket bound
  // to 0.0.0.0. Exits 2 with the reason when that fails: the caller asked for it explicitly.
  explicit TunNic(in_addr address) : fd_(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) {
    to_.sin_family = AF_INET;
    to_.sin_port = htons(kPort);
    to_.sin_addr = address;
    ifreq request{};
    std::snprintf(request.ifr_name, sizeof request.ifr_name, "%s", kDevice);
    request.ifr_flags = IFF_TUN | IFF_NO_PI;
    // TUNSETIFF would create a missing device: only ever attach to run-in-netns.sh's.
    if (::if_nametoindex(kDevice) == 0) fail("no tnic0 here: run via bench/run-in-netns.sh", errno);
    if (fd_ < 0 || ::ioctl(fd_, TUNSETIFF, &request) != 0)
      fail("cannot attach to the TUN device", errno);
    probe();
  }
  ~TunNic() { ::close(fd_); }
  TunNic(const TunNic&) = delete;
  TunNic& operator=(const TunNic&) = delete;

  const sockaddr* address() const noexcept { return reinterpret_cast<const sockaddr*>(&to_); }
  socklen_t address_len() const noexcept { return sizeof to_; }
  uint16_t port() const noexcept { return kPort; }
  std::array<uint8_t, 4> ip() const noexcept {
    std::array<uint8_t, 4> bytes{};
    std::memcpy(bytes.data(), &to_.sin_addr, bytes.size());
    return bytes;
  }

  // The next packet on the device's ring as its UDP payload, in `buffer`; nullopt when the ring
  // is empty. Exits 2 on anything but IPv4/UDP to our address and a port in
  // [kPort, kPort + ports); *port (when given) is the destination port.
  std::optional<std::span<uint8_t>> next(std::span<uint8_t> buffer, uint16_t* port = nullptr,
                                         uint16_t ports = 1) const {
    const ssize_t n = ::read(fd_, buffer.data(), buffer.size());
    if (n < 0) return std::nullopt;
    const auto size = static_cast<size_t>(n);
    const size_t ihl = size > 0 ? size_t{buffer[0] & 0x0Fu} * 4 : 0;
    if (size < 28 || (buffer[0] >> 4) != 4 || ihl < 20 || size < ihl + 8 || buffer[9] != 17 ||
        std::memcmp(buffer.data() + 16, &to_.sin_addr, 4) != 0) {
      fail("a packet on the TUN device is not our UDP datagram");
    }
    const auto to_port = static_cast<uint16_t>(buffer[ihl + 2] << 8 | buffer[ihl + 3]);
    if (to_port < kPort || to_port - kPort >= ports) fail("a packet to an unexpected port");
    if (port != nullptr) *port = to_port;
    return buffer.subspan(ihl + 8, size - ihl - 8);
  }

  struct Counters {
    uint64_t packets = 0;
    uint64_t bytes = 0;
  };
  // The device's TX counters, as `ip -s link show tnic0` prints them (TUN counts a packet when
  // it is read from the ring), from /proc/net/dev, which follows the reader's network namespace
  // (/sys/class/net does not under a plain `unshare --net`).
  static Counters tx_counters() {
    std::FILE* file = std::fopen("/proc/net/dev", "re");
    if (file == nullptr) fail("cannot read /proc/net/dev", errno);
    std::optional<Counters> found;
    std::array<char, 512> line{};
    while (!found && std::fgets(line.data(), static_cast<int>(line.size()), file) != nullptr) {
      const std::string_view text(line.data());
      const size_t colon = text.find(':');
      if (colon == std::string_view::npos) continue;
      std::string_view name = text.substr(0, colon);
      name.remove_prefix(std::min(name.find_first_not_of(' '), name.size()));
      if (name != kDevice) continue;
      unsigned long long f[10] = {};  // receive: 8 fields, then transmit bytes, packets
      if (std::sscanf(line.data() + colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
                      &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8], &f[9]) == 10) {
        found = Counters{f[9], f[8]};
      }
    }
    std::fclose(file);
    if (!found) fail("the TUN device is not in /proc/net/dev");
    return *found;
  }

  [[noreturn]] static void fail(const char* what, int error = 0) {
    std::fprintf(stderr, "tx=tun-nic: %s%s%s\n", what, error != 0 ? ": " : "",
                 error != 0 ? std::strerror(error) : "");
    std::exit(2);
  }

 private:
  // The qdisc comes up asynchronously once the device has carrier (when attached): wait ≤ 2 s.
  void probe() const {
    const UdpSocket socket(true);
    const uint8_t byte = 0;
    std::array<uint8_t, 2048> buffer{};
    for (int i = 0; i < 40; ++i) {
      if (::sendto(socket.fd(), &byte, 1, 0, address(), address_len()) == 1) {
        pollfd pfd{fd_, POLLIN, 0};
        if (::poll(&pfd, 1, 50) == 1 && next(buffer)) {
          while (next(buffer)) {
          }
          return;
        }
      } else {
        ::usleep(50'000);
      }
    }
    fail("no datagram sent to the --tx-nic address reached the TUN device");
  }

  int fd_;
  sockaddr_in to_{};
};

inline void print_nic_skipped() {
  std::printf(
      "  tx=tun-nic lines skipped: run via bench/run-in-netns.sh (needs root/user "
      "namespaces)\n");
}

}  // namespace tandem::bench
