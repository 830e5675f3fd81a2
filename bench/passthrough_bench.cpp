// The media passthrough path per packet, in-process and with real I/O: SRTP in on a loopback UDP
// socket -> recvmmsg -> unprotect -> rewrite SSRC/sequence/timestamp -> protect -> sendmmsg to a
// sink socket. See bench/README.md.
//
//   tandem_bench_passthrough [--quick] [--tx-nic ADDR]
//
// With --tx-nic (given by bench/run-in-netns.sh) it also runs every case with the forwarder's
// sends going to ADDR, routed to a TUN device standing in for a NIC (tx=tun-nic lines): the
// transmit cost of a real server, without the receiver's softirq work that loopback (tx=loopback
// lines) runs in the sender's context and so charges to the forwarder.
//
// It composes the production classes the way MediaWorker::drain_socket()/flush() and
// WebRtcTransport::on_rtp() do (SrtpSession, RtpPacketView, SeqTsRewriter, ice::Endpoint, the
// RFC 7983/5761 classifier, recvmmsg/sendmmsg batches with a copy into the send batch), rather
// than driving MediaWorker itself, whose thread, ICE and DTLS set-up it cannot time in isolation.
//
// Each round is three phases in one thread, only the middle one timed: (1) a feeder socket sends
// a round of freshly protected SRTP packets to the forwarder's socket, whose receive buffer holds
// them all; (2) the forwarder drains it in batches of 1 or 32 (a zero-timeout poll for
// readiness per batch, as the worker's event loop waits before each drain) and sends every
// packet on to the sink socket (or the NIC); (3) the sink (or the NIC's ring) drains and checks
// every forwarded packet (authenticates with the outbound key, our SSRC, consecutive sequence
// numbers); with the NIC its TX counter must also have grown by exactly the round's packets.
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bench_util.hpp"
#include "common/clock.hpp"
#include "ice/endpoint.hpp"
#include "round_loop.hpp"
#include "rtp/classify.hpp"
#include "rtp/rtp_packet_view.hpp"
#include "rtp/seq_ts_rewriter.hpp"
#include "srtp/profile.hpp"
#include "srtp/srtp_session.hpp"
#include "udp_batch.hpp"

namespace {

using tandem::bench::kMaxBatch;
using tandem::bench::kSlotSize;
using tandem::bench::MmsgBatch;
using tandem::bench::TunNic;
using tandem::bench::UdpSocket;
using tandem::srtp::Direction;
using tandem::srtp::Profile;
using tandem::srtp::SrtpSession;
using tandem::srtp::SrtpStatus;

using tandem::bench::kGoalPacketNs;
constexpr uint32_t kInSsrc = 0x0BADCAFE;
constexpr uint32_t kOutSsrc = 0x5EED0001;
constexpr uint16_t kOutFirstSeq = 4000;

// kIoOnly forwards the SRTP packets untouched (recvmmsg, copy, sendmmsg): the I/O share of the
// full path, to tell the system calls' cost from ours.
enum class Mode { kFull, kIoOnly };

using Config = tandem::bench::RoundConfig;
using tandem::bench::CaseResult;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "tandem_bench_passthrough: %s\n", what.c_str());
  std::exit(2);
}

std::array<uint8_t, 32> key_bytes(uint8_t seed) {
  std::array<uint8_t, 32> key{};
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(seed + 13 * i);
  return key;
}

SrtpSession make_session(Profile profile, uint8_t seed, Direction direction) {
  const auto& info = tandem::srtp::profile_info(profile);
  const auto key = key_bytes(seed);
  const auto salt = key_bytes(static_cast<uint8_t>(seed + 1));
  auto session = SrtpSession::create(profile, std::span(key).first(info.master_key_len),
                                     std::span(salt).first(info.master_salt_len), direction);
  if (!session) die("SrtpSession::create: " + session.error().reason);
  return std::move(session).value();
}

// The forwarder: what a media worker holds for one bridged stream.
struct Forwarder {
  Forwarder(Profile profile, Mode mode)
      : mode(mode),
        inbound(make_session(profile, 0x10, Direction::kInbound)),
        outbound(make_session(profile, 0x40, Direction::kOutbound)),
        rewriter(kOutSsrc, kOutFirstSeq, 123456, 48000) {}

  // One drain of the socket: readiness, recvmmsg, per packet the passthrough, sendmmsg.
  size_t forward_batch(int fd, size_t batch, const sockaddr* to, socklen_t to_len) noexcept {
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, 0) != 1) return 0;
    const int n = rx.receive(fd, batch);
    if (n <= 0) return 0;
    const tandem::TimePoint now = tandem::SteadyClock::now();
    for (int i = 0; i < n; ++i) {
      const auto& hdr = rx.msgs[static_cast<size_t>(i)].msg_hdr;
      const auto from = tandem::ice::Endpoint::from_sockaddr(
          reinterpret_cast<const sockaddr*>(hdr.msg_name), hdr.msg_namelen);
      if (!from || (hdr.msg_flags & MSG_TRUNC) != 0) continue;
      forward_one(rx.slot(static_cast<size_t>(i)), rx.msgs[static_cast<size_t>(i)].msg_len, now, to,
                  to_len);
    }
    return tx.flush(fd);
  }

  void forward_one(std::span<uint8_t> buffer, size_t length, tandem::TimePoint now,
                   const sockaddr* to, socklen_t to_len) noexcept {
    if (!tandem::rtp::is_rtp(buffer.first(length))) return;
    if (mode == Mode::kIoOnly) {
      (void)tx.queue(buffer.first(length), to, to_len);
      return;
    }
    if (inbound.unprotect_rtp(buffer, length) != SrtpStatus::kOk) return;
    auto view = tandem::rtp::RtpPacketView::parse(buffer.first(length));
    if (!view) return;
    rewriter.rewrite(*view, now);
    if (outbound.protect_rtp(buffer, length) != SrtpStatus::kOk) return;
    (void)tx.queue(buffer.first(length), to, to_len);
  }

  Mode mode;
  SrtpSession inbound;
  SrtpSession outbound;
  tandem::rtp::SeqTsRewriter rewriter;
  MmsgBatch rx;
  MmsgBatch tx;
};

class Passthrough {
 public:
  // nic: send to it instead of the loopback sink (tx=tun-nic), or nullptr (tx=loopback).
  Passthrough(const Config& config, Profile profile, size_t size, Mode mode, const TunNic* nic)
      : config_(config),
        mode_(mode),
        nic_(nic),
        size_(size),
        srtp_size_(size + tandem::srtp::profile_info(profile).rtp_tag_len),
        forwarder_socket_(nic != nullptr),
        feeder_session_(make_session(profile, 0x10, Direction::kOutbound)),
        verifier_(make_session(profile, 0x40, Direction::kInbound)),
        forwarder_(profile, mode) {
    const size_t fit = tandem::bench::datagrams_fitting(forwarder_socket_, sink_, size + 16);
    if (fit < config_.packets) {
      config_.packets = fit;
      std::printf(
          "  (rounds of %zu packets only: the receive buffers hold no more; run as root "
          "or raise net.core.rmem_max)\n",
          fit);
    }
  }

  CaseResult run(size_t batch) {
    const sockaddr* to = nic_ != nullptr ? nic_->address() : sink_.address();
    const socklen_t to_len = nic_ != nullptr ? nic_->address_len() : sink_.address_len();
    TunNic::Counters counters{};
    return tandem::bench::run_packet_rounds(
        config_, "tandem_bench_passthrough",
        [&] {
          feed();
          if (nic_ != nullptr) counters = TunNic::tx_counters();
        },
        [&] { return forwarder_.forward_batch(forwarder_socket_.fd(), batch, to, to_len); },
        [&](size_t) {
          if (nic_ != nullptr) {
            verify_nic(counters);
          } else {
            verify();
          }
        });
  }

 private:
  // A round of SRTP packets as a browser would send them: 20 ms apart in RTP time.
  void feed() {
    size_t sent = 0;
    while (sent < config_.packets) {
      const size_t count = std::min(kMaxBatch, config_.packets - sent);
      for (size_t i = 0; i < count; ++i, ++feed_seq_) {
        auto packet = std::span(scratch_);
        tandem::bench::make_rtp(packet.first(size_), 111, static_cast<uint16_t>(feed_seq_),
                                feed_seq_ * 960, kInSsrc);
        size_t length = size_;
        if (feeder_session_.protect_rtp(packet, length) != SrtpStatus::kOk) die("feed protect");
        (void)feed_.queue(packet.first(length), forwarder_socket_.address(),
                          forwarder_socket_.address_len());
      }
      if (feed_.flush(feeder_socket_.fd()) != count) die("feeder sendmmsg failed");
      sent += count;
    }
  }

  void verify() {
    size_t received = 0;
    while (received < config_.packets) {
      const int n = sink_batch_.receive(sink_.fd(), kMaxBatch);
      if (n <= 0) break;
      for (size_t i = 0; i < static_cast<size_t>(n); ++i, ++received) {
        check(sink_batch_.slot(i), sink_batch_.msgs[i].msg_len);
      }
    }
    if (received != config_.packets) {
      die("sink received " + std::to_string(received) + " of " + std::to_string(config_.packets));
    }
  }

  // Empties the NIC's ring, checking each packet, then its TX counter against the round.
  void verify_nic(const TunNic::Counters& before) {
    size_t received = 0;
    while (const auto payload = nic_->next(sink_batch_.slot(0))) {
      check(*payload, payload->size());
      ++received;
    }
    const TunNic::Counters after = TunNic::tx_counters();
    const uint64_t bytes = config_.packets * (srtp_size_ + 28);  // + IPv4 and UDP headers
    if (received != config_.packets || after.packets - before.packets != config_.packets ||
        after.bytes - before.bytes != bytes) {
      die("tx=tun-nic: sent " + std::to_string(config_.packets) + ", the ring held " +
          std::to_string(received) + ", the TX counter grew by " +
          std::to_string(after.packets - before.packets) + " packets, " +
          std::to_string(after.bytes - before.bytes) + " bytes (expected " + std::to_string(bytes) +
          ")");
    }
    nic_sent_ += after.packets - before.packets;
    nic_bytes_ += after.bytes - before.bytes;
  }

 public:
  // Packets and bytes the NIC's TX counter grew by over all rounds (the sanity line).
  uint64_t nic_sent() const noexcept { return nic_sent_; }
  uint64_t nic_bytes() const noexcept { return nic_bytes_; }

 private:
  void check(std::span<uint8_t> slot, size_t length) {
    if (mode_ == Mode::kIoOnly) {
      if (length != srtp_size_) die("a forwarded packet changed size");
      return;
    }
    if (verifier_.unprotect_rtp(slot, length) != SrtpStatus::kOk || length != size_) {
      die("a forwarded packet did not authenticate with the outbound key");
    }
    auto view = tandem::rtp::RtpPacketView::parse(slot.first(length));
    const uint16_t expected = static_cast<uint16_t>(kOutFirstSeq + checked_++);
    if (!view || view->ssrc() != kOutSsrc || view->sequence() != expected) {
      die("a forwarded packet has the wrong SSRC or sequence number");
    }
  }

  Config config_;
  Mode mode_;
  const TunNic* nic_;
  size_t size_;
  size_t srtp_size_;
  UdpSocket feeder_socket_;
  UdpSocket forwarder_socket_;
  UdpSocket sink_;
  SrtpSession feeder_session_;
  SrtpSession verifier_;
  Forwarder forwarder_;
  MmsgBatch feed_;
  std::array<uint8_t, kSlotSize> scratch_{};
  MmsgBatch sink_batch_;
  uint32_t feed_seq_ = 1;
  uint32_t checked_ = 0;
  uint64_t nic_sent_ = 0;
  uint64_t nic_bytes_ = 0;
};

void print_line(std::string_view tx, std::string_view what, size_t size, size_t batch,
                const CaseResult& r, bool judge) {
  std::printf(
      "passthrough  tx=%-9s %-30s %5zu B  batch=%-2zu  cpu %6.3f µs/packet (best %6.3f)  "
      "wall %6.3f µs/packet (best %6.3f)",
      std::string(tx).c_str(), std::string(what).c_str(), size, batch, r.cpu.median() / 1e3,
      r.cpu.best() / 1e3, r.wall.median() / 1e3, r.wall.best() / 1e3);
  if (judge) {
    std::printf("  (goal ≤ 3 µs)  %s", tandem::bench::verdict(r.cpu.median(), kGoalPacketNs, true));
  }
  std::printf("\n");
}

constexpr size_t kSizes[] = {172, 1200};
constexpr size_t kBatches[] = {1, 32};
constexpr Profile kProfiles[] = {Profile::kAeadAes128Gcm, Profile::kAes128CmHmacSha1_80};

// Every I/O-only and full case, sending to the loopback sink (nic == nullptr) or the NIC.
// Returns the packets and bytes the NIC's TX counter grew by.
std::pair<uint64_t, uint64_t> run_cases(const Config& config, const TunNic* nic) {
  const std::string_view tx = nic != nullptr ? "tun-nic" : "loopback";
  std::pair<uint64_t, uint64_t> nic_total{};
  const auto run = [&](Profile profile, size_t size, size_t batch, Mode mode) {
    Passthrough bench(config, profile, size, mode, nic);
    CaseResult result = bench.run(batch);
    nic_total.first += bench.nic_sent();
    nic_total.second += bench.nic_bytes();
    return result;
  };
  for (const size_t size : kSizes) {
    for (const size_t batch : kBatches) {
      print_line(tx, "I/O only (no SRTP, no rewrite)", size, batch,
                 run(Profile::kAeadAes128Gcm, size, batch, Mode::kIoOnly), false);
    }
  }
  for (const Profile profile : kProfiles) {
    for (const size_t size : kSizes) {
      for (const size_t batch : kBatches) {
        print_line(tx, tandem::srtp::profile_info(profile).sdes_name, size, batch,
                   run(profile, size, batch, Mode::kFull), true);
      }
    }
  }
  return nic_total;
}

}  // namespace

int main(int argc, char** argv) {
  const Config config = tandem::bench::round_config(argc, argv);
  const auto nic_address = TunNic::address_from_args(argc, argv);
  std::printf(
      "passthrough: recvmmsg -> SRTP unprotect -> SSRC/seq/ts rewrite -> SRTP protect -> "
      "sendmmsg, one thread, packets in from a feeder socket on loopback;\n"
      "  tx=loopback: sends to a sink socket on loopback (the sink's receive softirq runs in, "
      "and is charged to, the forwarder's thread);\n"
      "  tx=tun-nic: sends to an address routed to a TUN device in a private netns, like a "
      "NIC's transmit (bench/run-in-netns.sh);\n"
      "  composed from the production classes as MediaWorker/WebRtcTransport use them "
      "(not MediaWorker itself, see bench/README.md);\n"
      "  pattern: one stream of same-size packets, every datagram its own sendmmsg message (no "
      "UDP GSO: the worker's UdpPort, which groups by destination, is measured by "
      "tandem_bench_webrtc_echo).\n"
      "  cpu = forwarding thread CPU time / packets (median of rounds of %zu, best in "
      "brackets); wall = elapsed time of the same rounds\n",
      config.packets);
  (void)run_cases(config, nullptr);
  if (!nic_address) {
    tandem::bench::print_nic_skipped();
    return 0;
  }
  const TunNic nic(*nic_address);
  const auto [packets, bytes] = run_cases(config, &nic);
  std::printf(
      "  tx=tun-nic sanity: %s TX counter grew by %llu packets (%llu bytes) = every packet "
      "forwarded to it, each read back from its ring and checked\n",
      TunNic::kDevice, static_cast<unsigned long long>(packets),
      static_cast<unsigned long long>(bytes));
  return 0;
}
