// The production packet path per packet: WebRtcTransport::on_rtp (SRTP unprotect, RTCP
// accounting, our SSRC, SRTP protect, hand-off to the worker's send batch) behind the dispatch
// MediaWorker::on_datagram does (RFC 7983 class, session by remote address), with recvmmsg and
// sendmmsg on loopback. See bench/README.md.
//
//   tandem_bench_webrtc_echo [--quick] [--tx-nic ADDR]
//
// A "browser" socket first sets the session up through the same loop, for real: an ICE check
// with USE-CANDIDATE (STUN, MESSAGE-INTEGRITY), then a DTLS-SRTP handshake from an in-process
// DTLS client. Then each round is three phases in one thread, the middle one timed: the browser
// sends a round of SRTP packets; the worker loop drains its socket in batches of 1 or 32 and
// echoes every packet; the browser drains the echoes and checks each (authenticates with the
// worker's SRTP key, our SSRC, same sequence number and payload).
//
// With --tx-nic (bench/run-in-netns.sh) the same cases run again with the echoes going to ADDR,
// routed to a TUN device standing in for a NIC (tx=tun-nic lines): after the set-up over
// loopback, the worker's receive path sees the browser's packets as coming from ADDR (a
// one-entry address translation in front of the dispatch, like a NAT in front of a real
// browser) and the browser re-nominates that path with a second ICE check, so the session's
// selected path, where on_rtp sends, is ADDR. The echoes are read back from the device's ring.
#include <poll.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bench_util.hpp"
#include "common/clock.hpp"
#include "common/hmac_sha1.hpp"
#include "dtls/dtls_certificate.hpp"
#include "dtls/dtls_context.hpp"
#include "dtls/dtls_listener.hpp"
#include "dtls/dtls_transport.hpp"
#include "ice/endpoint.hpp"
#include "ice/stun_builder.hpp"
#include "ice/stun_constants.hpp"
#include "ice/stun_view.hpp"
#include "media/datagram_sink.hpp"
#include "media/packet_class.hpp"
#include "media/session_params.hpp"
#include "media/session_table.hpp"
#include "media/webrtc_transport.hpp"
#include "rtp/ntp_time.hpp"
#include "rtp/rtp_packet_view.hpp"
#include "udp_batch.hpp"

namespace {

using tandem::SteadyClock;
using tandem::TimePoint;
using tandem::bench::kMaxBatch;
using tandem::bench::MmsgBatch;
using tandem::bench::Rounds;
using tandem::bench::TunNic;
using tandem::bench::UdpSocket;
using tandem::media::PacketClass;
using tandem::srtp::SrtpStatus;

constexpr double kGoalPacketNs = 3'000;  // issue 4: ≤ 3 µs per forwarded packet
constexpr uint32_t kBrowserSsrc = 0x0BADCAFE;
constexpr uint32_t kEchoSsrc = 0x5EED0001;
constexpr uint8_t kPayloadType = 111;
constexpr std::string_view kLocalUfrag = "tndm";
constexpr std::string_view kLocalPwd = "tandemlocalpassword123";
constexpr std::string_view kRemoteUfrag = "brws";

struct Config {
  size_t packets = 512;  // per round; the socket buffers hold a whole round
  int min_rounds = 7;
  int64_t budget_ns = 150'000'000;  // timed CPU per case after the minimum rounds
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "tandem_bench_webrtc_echo: %s\n", what.c_str());
  std::exit(2);
}

tandem::dtls::DtlsContext make_context(std::string_view name) {
  auto certificate = tandem::dtls::DtlsCertificate::generate(name);
  if (!certificate) die("certificate: " + certificate.error().reason);
  auto context = tandem::dtls::DtlsContext::create(*certificate);
  if (!context) die("context: " + context.error().reason);
  return std::move(context).value();
}

// One media worker's packet loop with one session, as MediaWorker wires it: the socket, the
// demultiplexing table, the transport, receive and send batches.
class Worker final : private tandem::media::DatagramSink {
 public:
  Worker(const tandem::dtls::DtlsContext& context, const tandem::media::SessionParams& params,
         bool any_address)
      : context_(context), socket_(any_address) {
    auto transport = tandem::media::WebRtcTransport::create(
        kSession, params, {std::string(kLocalUfrag), std::string(kLocalPwd)}, context_, *this,
        ntp_clock_, SteadyClock::now());
    if (!transport) die("WebRtcTransport::create: " + transport.error().reason);
    session_ = std::move(transport).value();
    table_.add_ufrag(kLocalUfrag, kSession);
  }

  const UdpSocket& socket() const noexcept { return socket_; }
  const tandem::media::WebRtcTransport& session() const noexcept { return *session_; }

  // From now on, datagrams from `from` are dispatched as if they came from `as`.
  void translate(const tandem::ice::Endpoint& from, const tandem::ice::Endpoint& as) {
    translation_.emplace(from, as);
  }

  // One wake-up: readiness, one recvmmsg of up to `batch`, dispatch, one sendmmsg.
  size_t drain(size_t batch) noexcept {
    pollfd pfd{socket_.fd(), POLLIN, 0};
    if (::poll(&pfd, 1, 0) != 1) return 0;
    const int n = rx_.receive(socket_.fd(), batch);
    if (n <= 0) return 0;
    const TimePoint now = SteadyClock::now();
    for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
      const auto& hdr = rx_.msgs[i].msg_hdr;
      if ((hdr.msg_flags & MSG_TRUNC) != 0) continue;
      auto from = tandem::ice::Endpoint::from_sockaddr(
          reinterpret_cast<const sockaddr*>(hdr.msg_name), hdr.msg_namelen);
      if (from && translation_ && *from == translation_->first) from = translation_->second;
      if (from) on_datagram(rx_.slot(i), rx_.msgs[i].msg_len, *from, now);
    }
    return tx_.flush(socket_.fd());
  }

 private:
  static constexpr tandem::media::SessionId kSession = 1;

  // MediaWorker::on_datagram for one session.
  void on_datagram(std::span<uint8_t> buffer, size_t length, const tandem::ice::Endpoint& from,
                   TimePoint now) noexcept {
    const auto packet = std::span<const uint8_t>(buffer.data(), length);
    const PacketClass kind = tandem::media::classify_datagram(packet);
    if (kind == PacketClass::kStun) {
      const auto message = tandem::ice::StunView::parse(packet);
      const auto ufrag = message ? tandem::ice::local_ufrag_of(*message) : std::nullopt;
      if (!ufrag || table_.find_by_ufrag(*ufrag) != kSession) return;
      if (session_->on_stun(*message, from, now)) table_.add_path(from, kSession);
      return;
    }
    if (table_.find_by_path(from) != kSession) return;
    if (kind == PacketClass::kDtls) session_->on_dtls(packet, from, now);
    if (kind == PacketClass::kRtp) session_->on_rtp(buffer, length, from, now);
    if (kind == PacketClass::kRtcp) session_->on_rtcp(buffer, length, from, now);
  }

  void send_datagram(std::span<const uint8_t> datagram,
                     const tandem::ice::Endpoint& to) noexcept override {
    sockaddr_storage address{};
    const socklen_t len = to.to_sockaddr(address);
    if (!tx_.queue(datagram, reinterpret_cast<const sockaddr*>(&address), len)) {
      tx_.flush(socket_.fd());
      (void)tx_.queue(datagram, reinterpret_cast<const sockaddr*>(&address), len);
    }
  }

  const tandem::dtls::DtlsContext& context_;
  UdpSocket socket_;
  tandem::rtp::NtpClock ntp_clock_;
  tandem::media::SessionTable table_;
  std::unique_ptr<tandem::media::WebRtcTransport> session_;
  std::optional<std::pair<tandem::ice::Endpoint, tandem::ice::Endpoint>> translation_;
  MmsgBatch rx_;
  MmsgBatch tx_;
};

// The browser end: its socket, DTLS client and, once connected, its SRTP sessions.
class Browser final : public tandem::dtls::DtlsListener {
 public:
  explicit Browser(const tandem::dtls::DtlsContext& context) : context_(context) {}

  const UdpSocket& socket() const noexcept { return socket_; }
  tandem::dtls::SrtpSessionPair& srtp() { return *sessions_; }
  MmsgBatch& batch() { return batch_; }

  // ICE check with USE-CANDIDATE, then the DTLS handshake, each datagram through `worker`.
  void connect(Worker& worker, std::string_view worker_fingerprint) {
    send_check(worker);
    dtls_ = std::make_unique<tandem::dtls::DtlsTransport>(context_, tandem::dtls::Role::kClient,
                                                          "sha-256", worker_fingerprint, *this);
    dtls_->start(SteadyClock::now());
    for (int step = 0; step < 50 && !(sessions_ && worker.session().media_ready()); ++step) {
      send(worker);
      while (worker.drain(kMaxBatch) > 0) {
      }
      receive_dtls();
    }
    if (!sessions_ || !worker.session().media_ready()) die("ICE/DTLS set-up did not complete");
  }

  // DtlsListener
  void on_dtls_send(std::span<const uint8_t> datagram) override {
    outbox_.emplace_back(datagram.begin(), datagram.end());
  }
  void on_dtls_connected(const tandem::dtls::SrtpKeyMaterial&,
                         tandem::dtls::SrtpSessionPair sessions) override {
    sessions_.emplace(std::move(sessions));
  }
  void on_dtls_failed(std::string_view reason) override { die("DTLS: " + std::string(reason)); }
  void on_dtls_closed() override { die("DTLS closed"); }

  // A connectivity check with USE-CANDIDATE: the latest nomination selects its path.
  void send_check(Worker& worker, uint8_t tid_seed = 0x40) {
    std::array<uint8_t, tandem::ice::kTransactionIdSize> tid{};
    for (size_t i = 0; i < tid.size(); ++i) tid[i] = static_cast<uint8_t>(tid_seed + i);
    std::array<uint8_t, 256> out{};
    tandem::ice::StunBuilder b(out, tandem::ice::kBindingRequest, tid);
    b.add_string(tandem::ice::attr::kUsername,
                 std::string(kLocalUfrag) + ":" + std::string(kRemoteUfrag));
    b.add_u32(tandem::ice::attr::kPriority, 0x6e7f1eff);
    b.add_u64(tandem::ice::attr::kIceControlling, 0x1122334455667788);
    b.add_flag(tandem::ice::attr::kUseCandidate);
    b.add_message_integrity(tandem::HmacSha1::create(kLocalPwd).value());
    b.add_fingerprint();
    if (!b.ok()) die("cannot build the ICE check");
    outbox_.emplace_back(b.message().begin(), b.message().end());
    send(worker);
    while (worker.drain(kMaxBatch) > 0) {
    }
    (void)batch_.receive(socket_.fd(), kMaxBatch);  // the Binding success response
  }

 private:
  void send(Worker& worker) {
    for (const auto& datagram : outbox_) {
      (void)batch_.queue(datagram, worker.socket().address(), worker.socket().address_len());
    }
    outbox_.clear();
    batch_.flush(socket_.fd());
  }

  void receive_dtls() {
    const int n = batch_.receive(socket_.fd(), kMaxBatch);
    for (size_t i = 0; i < static_cast<size_t>(std::max(n, 0)); ++i) {
      dtls_->on_datagram(batch_.slot(i).first(batch_.msgs[i].msg_len), SteadyClock::now());
    }
  }

  const tandem::dtls::DtlsContext& context_;
  UdpSocket socket_;
  MmsgBatch batch_;
  std::unique_ptr<tandem::dtls::DtlsTransport> dtls_;
  std::vector<std::vector<uint8_t>> outbox_;
  std::optional<tandem::dtls::SrtpSessionPair> sessions_;
};

tandem::media::SessionParams session_params(const tandem::dtls::DtlsContext& browser) {
  tandem::media::SessionParams params;
  params.remote_ufrag = kRemoteUfrag;
  params.remote_pwd = "browserpasswordbrowserp";
  params.remote_fingerprint_alg = "sha-256";
  params.remote_fingerprint = browser.fingerprint_sha256();
  tandem::media::StreamParams audio;
  audio.mid = "0";
  audio.payload_types = {kPayloadType};
  audio.remote_ssrcs = {kBrowserSsrc};
  audio.local_ssrc = kEchoSsrc;
  params.streams.push_back(audio);
  return params;
}

struct CaseResult {
  Rounds cpu;
  Rounds wall;
};

class EchoBench {
 public:
  // nic: echo to it instead of the browser's loopback socket (tx=tun-nic), or nullptr.
  EchoBench(const Config& config, size_t size, const TunNic* nic)
      : config_(config),
        size_(size),
        nic_(nic),
        server_context_(make_context("tandem")),
        browser_context_(make_context("browser")),
        worker_(server_context_, session_params(browser_context_), nic != nullptr),
        browser_(browser_context_) {
    browser_.connect(worker_, server_context_.fingerprint_sha256());
    if (nic_ != nullptr) move_path_to_nic();
    const size_t fit =
        tandem::bench::datagrams_fitting(worker_.socket(), browser_.socket(), size + 16);
    if (fit < config_.packets) {
      config_.packets = fit;
      std::printf(
          "  (rounds of %zu packets only: the receive buffers hold no more; run as root "
          "or raise net.core.rmem_max)\n",
          fit);
    }
  }

  std::string_view profile() {
    return tandem::srtp::profile_info(browser_.srtp().outbound.profile()).sdes_name;
  }

  CaseResult run(size_t batch) {
    CaseResult result;
    (void)round(batch);  // warm-up
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
    const auto counters = nic_ != nullptr ? TunNic::tx_counters() : TunNic::Counters{};
    const int64_t cpu0 = tandem::bench::thread_cpu_ns();
    const int64_t wall0 = tandem::bench::wall_ns();
    size_t echoed = 0;
    while (echoed < config_.packets) {
      const size_t n = worker_.drain(batch);
      if (n == 0) break;
      echoed += n;
    }
    const int64_t wall = tandem::bench::wall_ns() - wall0;
    const int64_t cpu = tandem::bench::thread_cpu_ns() - cpu0;
    if (echoed != config_.packets) {
      die("echoed " + std::to_string(echoed) + " of " + std::to_string(config_.packets));
    }
    if (nic_ != nullptr) {
      verify_nic(counters);
    } else {
      verify();
    }
    return {cpu, wall};
  }

  void feed() {
    auto& batch = browser_.batch();
    size_t sent = 0;
    while (sent < config_.packets) {
      const size_t count = std::min(kMaxBatch, config_.packets - sent);
      for (size_t i = 0; i < count; ++i, ++seq_) {
        auto packet = std::span(scratch_);
        tandem::bench::make_rtp(packet.first(size_), kPayloadType, static_cast<uint16_t>(seq_),
                                seq_ * 960, kBrowserSsrc);
        size_t length = size_;
        if (browser_.srtp().outbound.protect_rtp(packet, length) != SrtpStatus::kOk) {
          die("browser protect failed");
        }
        (void)batch.queue(packet.first(length), worker_.socket().address(),
                          worker_.socket().address_len());
      }
      if (batch.flush(browser_.socket().fd()) != count) die("browser sendmmsg failed");
      sent += count;
    }
  }

  void verify() {
    auto& batch = browser_.batch();
    size_t received = 0;
    while (received < config_.packets) {
      const int n = batch.receive(browser_.socket().fd(), kMaxBatch);
      if (n <= 0) break;
      for (size_t i = 0; i < static_cast<size_t>(n); ++i, ++received) {
        check(batch.slot(i), batch.msgs[i].msg_len);
      }
    }
    if (received != config_.packets) {
      die("browser received " + std::to_string(received) + " of " +
          std::to_string(config_.packets));
    }
  }

  // The browser's address as the worker sees it becomes the NIC's; a new nomination from there
  // makes it the selected path. Its Binding response goes to the NIC too: read and dropped.
  void move_path_to_nic() {
    const auto browser = tandem::ice::Endpoint::from_sockaddr(browser_.socket().address(),
                                                              browser_.socket().address_len());
    if (!browser) die("the browser socket has no address");
    worker_.translate(*browser, tandem::ice::Endpoint::ipv4(nic_->ip(), nic_->port()));
    browser_.send_check(worker_, 0x60);
    while (nic_->next(scratch_)) {
    }
  }

  // Empties the NIC's ring, checking each echo, then its TX counter against the round.
  void verify_nic(const TunNic::Counters& before) {
    size_t received = 0;
    while (const auto payload = nic_->next(scratch_)) {
      check(*payload, payload->size());
      ++received;
    }
    const TunNic::Counters after = TunNic::tx_counters();
    if (received != config_.packets || after.packets - before.packets != config_.packets) {
      die("tx=tun-nic: echoed " + std::to_string(config_.packets) + ", the ring held " +
          std::to_string(received) + ", the TX counter grew by " +
          std::to_string(after.packets - before.packets));
    }
    nic_sent_ += after.packets - before.packets;
  }

 public:
  uint64_t nic_sent() const noexcept { return nic_sent_; }

 private:
  void check(std::span<uint8_t> slot, size_t length) {
    if (browser_.srtp().inbound.unprotect_rtp(slot, length) != SrtpStatus::kOk || length != size_) {
      die("an echoed packet did not authenticate with the worker's key");
    }
    const auto view = tandem::rtp::RtpPacketView::parse(slot.first(length));
    const auto expected = static_cast<uint16_t>(checked_++);
    if (!view || view->ssrc() != kEchoSsrc || view->sequence() != expected) {
      die("an echoed packet has the wrong SSRC or sequence number");
    }
  }

  Config config_;
  size_t size_;
  const TunNic* nic_;
  tandem::dtls::DtlsContext server_context_;
  tandem::dtls::DtlsContext browser_context_;
  Worker worker_;
  Browser browser_;
  std::array<uint8_t, tandem::bench::kSlotSize> scratch_{};
  uint32_t seq_ = 1;
  uint32_t checked_ = 1;
  uint64_t nic_sent_ = 0;
};

// Every case, echoing to the browser's loopback socket (nic == nullptr) or the NIC. Returns the
// packets the NIC's TX counter grew by.
uint64_t run_cases(const Config& config, const TunNic* nic) {
  uint64_t nic_sent = 0;
  for (const size_t size : {size_t{172}, size_t{1200}}) {
    for (const size_t batch : {size_t{1}, size_t{32}}) {
      EchoBench bench(config, size, nic);
      const CaseResult r = bench.run(batch);
      nic_sent += bench.nic_sent();
      std::printf(
          "webrtc-echo  tx=%-9s %-24s %5zu B  batch=%-2zu  cpu %6.3f µs/packet (best %6.3f)  "
          "wall %6.3f µs/packet (best %6.3f)  (goal ≤ 3 µs)  %s\n",
          nic != nullptr ? "tun-nic" : "loopback", std::string(bench.profile()).c_str(), size,
          batch, r.cpu.median() / 1e3, r.cpu.best() / 1e3, r.wall.median() / 1e3,
          r.wall.best() / 1e3, tandem::bench::verdict(r.cpu.median(), kGoalPacketNs, true));
    }
  }
  return nic_sent;
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  if (tandem::bench::quick_mode(argc, argv)) config = Config{64, 1, 0};
  const auto nic_address = TunNic::address_from_args(argc, argv);
  std::printf(
      "webrtc echo: the production path, MediaWorker-style dispatch + WebRtcTransport::on_rtp "
      "(unprotect, RTCP accounting, SSRC, protect) with recvmmsg/sendmmsg, after a real ICE "
      "check and DTLS-SRTP handshake; the browser sends on loopback;\n"
      "  tx=loopback: echoes to the browser's loopback socket (its receive softirq is charged to "
      "the worker's thread); tx=tun-nic: echoes to an address routed to a TUN device in a "
      "private netns, like a NIC's transmit (bench/run-in-netns.sh);\n"
      "  cpu = worker loop thread CPU time / packets (median of rounds of %zu, best in brackets); "
      "wall = elapsed time of the same rounds\n",
      config.packets);
  (void)run_cases(config, nullptr);
  if (!nic_address) {
    tandem::bench::print_nic_skipped();
    return 0;
  }
  const TunNic nic(*nic_address);
  const uint64_t packets = run_cases(config, &nic);
  std::printf(
      "  tx=tun-nic sanity: %s TX counter grew by %llu packets = every echo sent to it, each "
      "read back from its ring and checked\n",
      TunNic::kDevice, static_cast<unsigned long long>(packets));
  return 0;
}
