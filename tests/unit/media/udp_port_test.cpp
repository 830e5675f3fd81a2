// UdpPort's send batch over real loopback sockets: a run of one destination's datagrams leaves
// as one UDP GSO message and arrives as the separate datagrams, byte for byte and in order;
// interleaved destinations each get theirs in order; when the kernel refuses GSO nothing is lost;
// and queueing and flushing allocate nothing.
#include "media/udp_port.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <cstring>
#include <vector>

#include "support/allocation_counter.hpp"

namespace tandem::media {
namespace {

// A plain receiving UDP socket on 127.0.0.1.
class Receiver {
 public:
  Receiver() : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    const int size = 4 << 20;
    (void)::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      endpoint_ = *ice::Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&addr), len);
    }
  }
  ~Receiver() { ::close(fd_); }
  const ice::Endpoint& endpoint() const { return endpoint_; }

  // Every datagram queued now, each as received (waits up to 1 s for the first).
  std::vector<std::vector<uint8_t>> receive_all() const {
    std::vector<std::vector<uint8_t>> out;
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, 1000) != 1) return out;
    std::array<uint8_t, 70000> buffer{};
    for (;;) {
      const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
      if (n < 0) break;
      out.emplace_back(buffer.begin(), buffer.begin() + n);
    }
    return out;
  }

 private:
  int fd_;
  ice::Endpoint endpoint_;
};

std::vector<uint8_t> datagram(size_t size, uint8_t tag) {
  std::vector<uint8_t> d(size);
  for (size_t i = 0; i < size; ++i) d[i] = static_cast<uint8_t>(size_t{tag} * 31 + i * 7);
  return d;
}

class UdpPortTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = UdpPort::open(io_, "127.0.0.1", 0);
    ASSERT_TRUE(opened.ok()) << opened.error().reason;
    port_ = std::move(opened.value());
    if (!port_->gso_enabled()) GTEST_SKIP() << "this kernel has no UDP_SEGMENT";
  }

  boost::asio::io_context io_;
  std::unique_ptr<UdpPort> port_;
  UdpPortCounters counters_;
};

TEST_F(UdpPortTest, GsoRunArrivesAsSeparateDatagramsWithExactContents) {
  Receiver video;
  Receiver audio;
  // A frame of 1200-byte packets ending with a shorter one, interleaved with audio packets to
  // another destination, as a worker's batch would hold them.
  std::vector<std::vector<uint8_t>> to_video;
  std::vector<std::vector<uint8_t>> to_audio;
  for (uint8_t i = 0; i < 6; ++i) {
    to_video.push_back(datagram(i < 5 ? 1200 : 431, i));
    port_->queue(to_video.back(), video.endpoint(), counters_);
    if (i % 2 == 0) {
      to_audio.push_back(datagram(172, static_cast<uint8_t>(100 + i)));
      port_->queue(to_audio.back(), audio.endpoint(), counters_);
    }
  }
  port_->flush(counters_);
  EXPECT_EQ(counters_.datagrams_sent, 9u);
  EXPECT_EQ(counters_.gso_sends, 2u);  // the frame, and the three equal audio packets
  EXPECT_EQ(counters_.send_errors, 0u);
  EXPECT_EQ(counters_.gso_disabled, 0u);
  EXPECT_EQ(video.receive_all(), to_video);
  EXPECT_EQ(audio.receive_all(), to_audio);
}

TEST_F(UdpPortTest, KernelRefusingGsoDisablesItAndLosesNothing) {
  // With SO_NO_CHECK (no UDP checksum) the kernel refuses every GSO send with EINVAL.
  const int one = 1;
  ASSERT_EQ(
      ::setsockopt(port_->socket().native_handle(), SOL_SOCKET, SO_NO_CHECK, &one, sizeof one), 0);
  Receiver peer;
  std::vector<std::vector<uint8_t>> sent;
  for (uint8_t i = 0; i < 4; ++i) {
    sent.push_back(datagram(1000, i));
    port_->queue(sent.back(), peer.endpoint(), counters_);
  }
  port_->flush(counters_);
  EXPECT_FALSE(port_->gso_enabled());
  EXPECT_EQ(counters_.gso_disabled, 1u);
  EXPECT_EQ(counters_.gso_sends, 0u);
  EXPECT_EQ(counters_.datagrams_sent, 4u);
  EXPECT_EQ(peer.receive_all(), sent);
  // Later batches go without GSO from the start.
  port_->queue(sent[0], peer.endpoint(), counters_);
  port_->queue(sent[1], peer.endpoint(), counters_);
  port_->flush(counters_);
  EXPECT_EQ(counters_.gso_disabled, 1u);
  EXPECT_EQ(counters_.datagrams_sent, 6u);
  EXPECT_EQ(peer.receive_all().size(), 2u);
}

TEST_F(UdpPortTest, AFullBatchFlushesAndKeepsOrder) {
  Receiver peer;
  std::vector<std::vector<uint8_t>> sent;
  for (uint8_t i = 0; i < UdpPort::kBatch + 5; ++i) {
    sent.push_back(datagram(300, i));
    port_->queue(sent.back(), peer.endpoint(), counters_);
  }
  port_->flush(counters_);
  EXPECT_EQ(counters_.datagrams_sent, UdpPort::kBatch + 5);
  EXPECT_EQ(counters_.gso_sends, 2u);
  EXPECT_EQ(peer.receive_all(), sent);
}

TEST_F(UdpPortTest, QueueAndFlushAllocateNothing) {
  Receiver a;
  Receiver b;
  const auto big = datagram(1200, 1);
  const auto small = datagram(172, 2);
  port_->queue(big, a.endpoint(), counters_);  // warm
  port_->flush(counters_);
  const long before = test::cxx_allocations();
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 8; ++i) port_->queue(big, a.endpoint(), counters_);
    port_->queue(small, b.endpoint(), counters_);
    port_->flush(counters_);
  }
  EXPECT_EQ(test::cxx_allocations() - before, 0) << "C++ allocations on the UDP send path";
  EXPECT_EQ(counters_.send_errors, 0u);
  EXPECT_EQ(a.receive_all().size(), 161u);
}

}  // namespace
}  // namespace tandem::media
