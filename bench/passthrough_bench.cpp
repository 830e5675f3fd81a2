// The media passthrough path per packet, in-process and with real I/O: SRTP in on a loopback UDP
// socket -> recvmmsg -> unprotect -> rewrite SSRC/sequence/timestamp -> protect -> sendmmsg to a
// sink socket. See bench/README.md.
//
//   tandem_bench_passthrough [--quick]
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
// packet on to the sink socket; (3) the sink drains and checks every forwarded packet
// (authenticates with the outbound key, our SSRC, consecutive sequence numbers).
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
using tandem::bench::Rounds;
using tandem::bench::UdpSocket;
using tandem::srtp::Direction;
using tandem::srtp::Profile;
using tandem::srtp::SrtpSession;
using tandem::srtp::SrtpStatus;

constexpr double kGoalPacketNs = 3'000;  // issue 4: ≤ 3 µs per forwarded packet
constexpr uint32_t kInSsrc = 0x0BADCAFE;
constexpr uint32_t kOutSsrc = 0x5EED0001;
constexpr uint16_t kOutFirstSeq = 4000;

// kIoOnly forwards the SRTP packets untouched (recvmmsg, copy, sendmmsg): the I/O share of the
// full path, to tell the system calls' cost from ours.
// kFullGso is kFull with the send batch leaving as one UDP GSO super-datagram (UDP_SEGMENT),
// which MediaWorker does not do (yet): what batching sends by destination would save.
enum class Mode { kFull, kIoOnly, kFullGso };

struct Config {
  size_t packets = 512;  // per round; the socket buffers hold a whole round
  int min_rounds = 7;
  int64_t budget_ns = 150'000'000;  // timed CPU per case after the minimum rounds
};

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
  size_t forward_batch(int fd, size_t batch, const tandem::bench::UdpSocket& sink) noexcept {
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
      forward_one(rx.slot(static_cast<size_t>(i)), rx.msgs[static_cast<size_t>(i)].msg_len, now,
                  sink);
    }
    return mode == Mode::kFullGso ? tx.flush_gso(fd) : tx.flush(fd);
  }

  void forward_one(std::span<uint8_t> buffer, size_t length, tandem::TimePoint now,
                   const tandem::bench::UdpSocket& sink) noexcept {
    if (!tandem::rtp::is_rtp(buffer.first(length))) return;
    if (mode == Mode::kIoOnly) {
      (void)tx.queue(buffer.first(length), sink.address(), sink.address_len());
      return;
    }
    if (inbound.unprotect_rtp(buffer, length) != SrtpStatus::kOk) return;
    auto view = tandem::rtp::RtpPacketView::parse(buffer.first(length));
    if (!view) return;
    rewriter.rewrite(*view, now);
    if (outbound.protect_rtp(buffer, length) != SrtpStatus::kOk) return;
    (void)tx.queue(buffer.first(length), sink.address(), sink.address_len());
  }

  Mode mode;
  SrtpSession inbound;
  SrtpSession outbound;
  tandem::rtp::SeqTsRewriter rewriter;
  MmsgBatch rx;
  MmsgBatch tx;
};

struct CaseResult {
  Rounds cpu;
  Rounds wall;
};

class Passthrough {
 public:
  Passthrough(const Config& config, Profile profile, size_t size, Mode mode)
      : config_(config),
        mode_(mode),
        size_(size),
        srtp_size_(size + tandem::srtp::profile_info(profile).rtp_tag_len),
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
    CaseResult result;
    round(batch);  // warm-up
    int64_t spent = 0;
    for (int i = 0; i < config_.min_rounds || spent < config_.budget_ns; ++i) {
      const auto [cpu, wall] = round(batch);
      spent += cpu;
      result.cpu.add(cpu, config_.packets);
      result.wall.add(wall, config_.packets);
    }
    return result;
  }

 private:
  std::pair<int64_t, int64_t> round(size_t batch) {
    feed();
    const int64_t cpu0 = tandem::bench::thread_cpu_ns();
    const int64_t wall0 = tandem::bench::wall_ns();
    size_t forwarded = 0;
    while (forwarded < config_.packets) {
      const size_t n = forwarder_.forward_batch(forwarder_socket_.fd(), batch, sink_);
      if (n == 0) break;
      forwarded += n;
    }
    const int64_t wall = tandem::bench::wall_ns() - wall0;
    const int64_t cpu = tandem::bench::thread_cpu_ns() - cpu0;
    if (forwarded != config_.packets) {
      die("forwarded " + std::to_string(forwarded) + " of " + std::to_string(config_.packets));
    }
    verify();
    return {cpu, wall};
  }

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
      for (size_t i = 0; i < static_cast<size_t>(n); ++i, ++received) check(i);
    }
    if (received != config_.packets) {
      die("sink received " + std::to_string(received) + " of " + std::to_string(config_.packets));
    }
  }

  void check(size_t i) {
    auto slot = sink_batch_.slot(i);
    size_t length = sink_batch_.msgs[i].msg_len;
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
};

void print_line(std::string_view what, size_t size, size_t batch, const CaseResult& r, bool judge) {
  std::printf(
      "passthrough  %-30s %5zu B  batch=%-2zu  cpu %6.3f µs/packet (best %6.3f)  "
      "wall %6.3f µs/packet (best %6.3f)",
      std::string(what).c_str(), size, batch, r.cpu.median() / 1e3, r.cpu.best() / 1e3,
      r.wall.median() / 1e3, r.wall.best() / 1e3);
  if (judge) {
    std::printf("  (goal ≤ 3 µs)  %s", tandem::bench::verdict(r.cpu.median(), kGoalPacketNs, true));
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  if (tandem::bench::quick_mode(argc, argv)) config = Config{64, 1, 0};
  std::printf(
      "passthrough: recvmmsg -> SRTP unprotect -> SSRC/seq/ts rewrite -> SRTP protect -> "
      "sendmmsg on loopback, one thread;\n"
      "  composed from the production classes as MediaWorker/WebRtcTransport use them "
      "(not MediaWorker itself, see bench/README.md).\n"
      "  cpu = forwarding thread CPU time / packets (median of rounds of %zu, best in "
      "brackets); wall = elapsed time of the same rounds\n",
      config.packets);
  const size_t sizes[] = {172, 1200};
  const size_t batches[] = {1, 32};
  for (const size_t size : sizes) {
    for (const size_t batch : batches) {
      Passthrough bench(config, Profile::kAeadAes128Gcm, size, Mode::kIoOnly);
      print_line("I/O only (no SRTP, no rewrite)", size, batch, bench.run(batch), false);
    }
  }
  const Profile profiles[] = {Profile::kAeadAes128Gcm, Profile::kAes128CmHmacSha1_80};
  for (const Profile profile : profiles) {
    for (const size_t size : sizes) {
      for (const size_t batch : batches) {
        Passthrough bench(config, profile, size, Mode::kFull);
        print_line(tandem::srtp::profile_info(profile).sdes_name, size, batch, bench.run(batch),
                   true);
      }
    }
  }
  const tandem::bench::UdpSocket probe;
  if (!MmsgBatch::gso_supported(probe.fd())) {
    std::printf("  (UDP GSO lines skipped: this kernel has no UDP_SEGMENT)\n");
    return 0;
  }
  for (const size_t size : sizes) {
    Passthrough bench(config, Profile::kAeadAes128Gcm, size, Mode::kFullGso);
    print_line("AEAD_AES_128_GCM, GSO send (*)", size, kMaxBatch, bench.run(kMaxBatch), true);
  }
  std::printf(
      "  (*) sendmsg with UDP_SEGMENT instead of sendmmsg: not what MediaWorker does today; "
      "shows what sending a batch's same-destination packets as one GSO datagram saves\n");
  return 0;
}
