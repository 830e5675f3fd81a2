// The production packet path per packet: the media worker's UdpPort (recvmmsg batches; sends
// grouped by destination, runs of equal size leaving as one UDP GSO message in one sendmmsg),
// the dispatch MediaWorker::on_datagram does (RFC 7983 class, session by remote address) and
// WebRtcTransport::on_rtp (SRTP unprotect, RTCP accounting, our SSRC, SRTP protect), echoing.
// See bench/README.md.
//
//   tandem_bench_webrtc_echo [--quick] [--only audio|video|audio-256|...] [--tx-nic ADDR]
//
// Traffic patterns (printed with the figures):
//   audio: 32 and 256 sessions (a small and a realistically loaded worker), 172-byte packets
//          (G.711 20 ms), one packet of each session in turn, so a receive batch of 32 holds one
//          packet per session: nothing for GSO to group. A 1-session line with GSO off is the
//          per-packet reference without the cost of many sessions (same path, same sizes).
//   video: 4 sessions, frames of 8 packets (7 x 1200 bytes and a 700-byte last one), one frame of
//          each session in turn, as a browser's pacer sends a frame: GSO groups each frame.
// Each "browser" sets its session up through the same loop, for real: an ICE check with
// USE-CANDIDATE (STUN, MESSAGE-INTEGRITY), then a DTLS-SRTP handshake from an in-process DTLS
// client offering one SRTP profile. Then each round is three phases in one thread, the middle
// one timed: the browsers send a round of SRTP packets in the pattern's order; the worker loop
// waits for readiness and drains its socket (UdpPort::drain: up to 8 batches of 32, a flush per
// batch), echoing every packet; the browsers drain the echoes and check each (authenticates with
// the session's key, its SSRC, consecutive sequence numbers, same size).
//
// With --tx-nic (bench/run-in-netns.sh) the same cases run again with the echoes going to ADDR,
// routed to a TUN device standing in for a NIC (tx=tun-nic lines): after the set-up over
// loopback, the worker sees browser i's packets as coming from ADDR:5004+i (a one-entry address
// translation per browser in front of the dispatch, like a NAT in front of a real browser) and
// each browser re-nominates that path with a second ICE check, so where on_rtp sends is the NIC.
// The echoes are read back from the device's ring and checked the same way.
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>
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
#include "media/udp_port.hpp"
#include "media/webrtc_transport.hpp"
#include "round_loop.hpp"
#include "rtp/ntp_time.hpp"
#include "rtp/rtp_packet_view.hpp"
#include "udp_batch.hpp"

namespace {

using tandem::SteadyClock;
using tandem::TimePoint;
using tandem::bench::CaseResult;
using tandem::bench::kMaxBatch;
using tandem::bench::MmsgBatch;
using tandem::bench::RoundConfig;
using tandem::bench::TunNic;
using tandem::bench::UdpSocket;
using tandem::media::PacketClass;
using tandem::media::UdpPort;
using tandem::srtp::SrtpStatus;

using tandem::bench::kGoalPacketNs;
constexpr uint32_t kBrowserSsrc = 0x0BADC000;
constexpr uint32_t kEchoSsrc = 0x5EED0000;
constexpr uint8_t kPayloadType = 111;
constexpr std::string_view kLocalPwd = "tandemlocalpassword123";
constexpr std::string_view kRemoteUfrag = "brws";

// A traffic pattern: `sessions` browsers, each sending bursts of `burst` packets in turn, all of
// `size` bytes except the burst's last, of `last_size` (plain RTP sizes, before SRTP).
struct Pattern {
  const char* name;
  size_t sessions;
  size_t burst;
  size_t size;
  size_t last_size;
};
constexpr Pattern kAudio{"audio", 32, 1, 172, 172};
constexpr Pattern kAudioWorker{"audio", 256, 1, 172, 172};
constexpr Pattern kAudioSingle{"audio", 1, 1, 172, 172};
constexpr Pattern kVideo{"video", 4, 8, 1200, 700};

struct Profile {
  const char* openssl_name;  // what the browser offers in use_srtp
  const char* label;
};
constexpr Profile kGcm{"SRTP_AEAD_AES_128_GCM", "AEAD_AES_128_GCM"};
constexpr Profile kCm{"SRTP_AES128_CM_SHA1_80", "AES_CM_128_HMAC_SHA1_80"};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "tandem_bench_webrtc_echo: %s\n", what.c_str());
  std::exit(2);
}

tandem::dtls::DtlsContext make_context(std::string_view name, const char* profiles = nullptr) {
  auto certificate = tandem::dtls::DtlsCertificate::generate(name);
  if (!certificate) die("certificate: " + certificate.error().reason);
  tandem::dtls::DtlsOptions options;
  if (profiles != nullptr) options.srtp_profiles = profiles;
  auto context = tandem::dtls::DtlsContext::create(*certificate, options);
  if (!context) die("context: " + context.error().reason);
  return std::move(context).value();
}

std::string local_ufrag(size_t session) { return "tn" + std::to_string(100 + session); }

// One media worker's packet loop with its sessions, as MediaWorker wires them: the production
// UdpPort, the demultiplexing table, the transports.
class Worker final : private tandem::media::DatagramSink {
 public:
  Worker(const tandem::dtls::DtlsContext& context, bool any_address) : context_(context) {
    auto port = UdpPort::open(io_, any_address ? "0.0.0.0" : "127.0.0.1", 0);
    if (!port) die("UdpPort::open: " + port.error().reason);
    port_ = std::move(port).value();
    // As root, a receive buffer that holds a whole round (the worker asks for 1 MB).
    const int size = 8 << 20;
    (void)::setsockopt(port_->socket().native_handle(), SOL_SOCKET, SO_RCVBUFFORCE, &size,
                       sizeof size);
    address_.sin_family = AF_INET;
    address_.sin_port = htons(port_->local_endpoint().port());
    address_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  }

  void add_session(const tandem::media::SessionParams& params) {
    const auto id = static_cast<tandem::media::SessionId>(sessions_.size() + 1);
    const std::string ufrag = local_ufrag(sessions_.size());
    auto transport =
        tandem::media::WebRtcTransport::create(id, params, {ufrag, std::string(kLocalPwd)},
                                               context_, *this, ntp_clock_, SteadyClock::now());
    if (!transport) die("WebRtcTransport::create: " + transport.error().reason);
    sessions_.push_back(std::move(transport).value());
    table_.add_ufrag(ufrag, id);
  }

  UdpPort& port() noexcept { return *port_; }
  const sockaddr* address() const noexcept { return reinterpret_cast<const sockaddr*>(&address_); }
  socklen_t address_len() const noexcept { return sizeof address_; }
  const tandem::media::WebRtcTransport& session(size_t i) const noexcept { return *sessions_[i]; }
  const tandem::media::UdpPortCounters& counters() const noexcept { return counters_; }

  // From now on, datagrams from `from` (a browser's loopback socket) are dispatched as if they
  // came from `as`. Looked up by source port: O(1), like the NAT it stands for.
  void translate(const tandem::ice::Endpoint& from, const tandem::ice::Endpoint& as) {
    if (translation_.empty()) translation_.resize(65536);
    translation_[from.port()] = as;
  }

  // One wake-up, as MediaWorker::arm_receive's handler: readiness, UdpPort::drain (recvmmsg
  // batches, dispatch, a flush per batch). Returns the datagrams sent.
  size_t step() noexcept {
    pollfd pfd{port_->socket().native_handle(), POLLIN, 0};
    if (::poll(&pfd, 1, 0) != 1) return 0;
    const uint64_t sent = counters_.datagrams_sent;
    port_->drain([this](std::span<uint8_t> buffer, size_t length, const tandem::ice::Endpoint& from,
                        TimePoint now) { on_datagram(buffer, length, translated(from), now); },
                 counters_);
    port_->flush(counters_);
    return counters_.datagrams_sent - sent;
  }

 private:
  const tandem::ice::Endpoint& translated(const tandem::ice::Endpoint& from) const noexcept {
    if (translation_.empty()) return from;
    const auto& as = translation_[from.port()];
    return as ? *as : from;
  }

  // MediaWorker::on_datagram.
  void on_datagram(std::span<uint8_t> buffer, size_t length, const tandem::ice::Endpoint& from,
                   TimePoint now) noexcept {
    const auto packet = std::span<const uint8_t>(buffer.data(), length);
    const PacketClass kind = tandem::media::classify_datagram(packet);
    if (kind == PacketClass::kStun) {
      const auto message = tandem::ice::StunView::parse(packet);
      const auto ufrag = message ? tandem::ice::local_ufrag_of(*message) : std::nullopt;
      const auto id = ufrag ? table_.find_by_ufrag(*ufrag) : std::nullopt;
      if (!id) return;
      if (sessions_[*id - 1]->on_stun(*message, from, now)) table_.add_path(from, *id);
      return;
    }
    const auto id = table_.find_by_path(from);
    if (!id) return;
    tandem::media::WebRtcTransport& session = *sessions_[*id - 1];
    if (kind == PacketClass::kDtls) session.on_dtls(packet, from, now);
    if (kind == PacketClass::kRtp) session.on_rtp(buffer, length, from, now);
    if (kind == PacketClass::kRtcp) session.on_rtcp(buffer, length, from, now);
  }

  // MediaWorker::send_datagram for UDP.
  void send_datagram(std::span<const uint8_t> datagram,
                     const tandem::ice::Endpoint& to) noexcept override {
    port_->queue(datagram, to, counters_);
  }

  const tandem::dtls::DtlsContext& context_;
  boost::asio::io_context io_;
  std::unique_ptr<UdpPort> port_;
  sockaddr_in address_{};
  tandem::rtp::NtpClock ntp_clock_;
  tandem::media::SessionTable table_;
  std::vector<std::unique_ptr<tandem::media::WebRtcTransport>> sessions_;
  std::vector<std::optional<tandem::ice::Endpoint>> translation_;  // by source port
  tandem::media::UdpPortCounters counters_;
};

// One browser: its socket, DTLS client and, once connected, its SRTP sessions.
class Browser final : public tandem::dtls::DtlsListener {
 public:
  Browser(const tandem::dtls::DtlsContext& context, size_t index)
      : context_(context), index_(index) {}

  const UdpSocket& socket() const noexcept { return socket_; }
  tandem::dtls::SrtpSessionPair& srtp() { return *sessions_; }
  MmsgBatch& batch() { return batch_; }
  size_t index() const noexcept { return index_; }

  // ICE check with USE-CANDIDATE, then the DTLS handshake, each datagram through `worker`.
  void connect(Worker& worker, std::string_view worker_fingerprint) {
    send_check(worker);
    dtls_ = std::make_unique<tandem::dtls::DtlsTransport>(context_, tandem::dtls::Role::kClient,
                                                          "sha-256", worker_fingerprint, *this);
    dtls_->start(SteadyClock::now());
    for (int step = 0; step < 50 && !(sessions_ && worker.session(index_).media_ready()); ++step) {
      send(worker);
      (void)worker.step();
      receive_dtls();
    }
    if (!sessions_ || !worker.session(index_).media_ready()) die("ICE/DTLS set-up failed");
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
    for (size_t i = 0; i < tid.size(); ++i) tid[i] = static_cast<uint8_t>(tid_seed + i + index_);
    std::array<uint8_t, 256> out{};
    tandem::ice::StunBuilder b(out, tandem::ice::kBindingRequest, tid);
    b.add_string(tandem::ice::attr::kUsername,
                 local_ufrag(index_) + ":" + std::string(kRemoteUfrag));
    b.add_u32(tandem::ice::attr::kPriority, 0x6e7f1eff);
    b.add_u64(tandem::ice::attr::kIceControlling, 0x1122334455667788);
    b.add_flag(tandem::ice::attr::kUseCandidate);
    b.add_message_integrity(tandem::HmacSha1::create(kLocalPwd).value());
    b.add_fingerprint();
    if (!b.ok()) die("cannot build the ICE check");
    outbox_.emplace_back(b.message().begin(), b.message().end());
    send(worker);
    (void)worker.step();
    (void)batch_.receive(socket_.fd(), kMaxBatch);  // the Binding success response
  }

 private:
  void send(Worker& worker) {
    for (const auto& datagram : outbox_) {
      (void)batch_.queue(datagram, worker.address(), worker.address_len());
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
  size_t index_;
  UdpSocket socket_;
  MmsgBatch batch_;
  std::unique_ptr<tandem::dtls::DtlsTransport> dtls_;
  std::vector<std::vector<uint8_t>> outbox_;
  std::optional<tandem::dtls::SrtpSessionPair> sessions_;
};

tandem::media::SessionParams session_params(const tandem::dtls::DtlsContext& browser,
                                            size_t index) {
  tandem::media::SessionParams params;
  params.remote_ufrag = kRemoteUfrag;
  params.remote_pwd = "browserpasswordbrowserp";
  params.remote_fingerprint_alg = "sha-256";
  params.remote_fingerprint = browser.fingerprint_sha256();
  tandem::media::StreamParams stream;
  stream.mid = "0";
  stream.payload_types = {kPayloadType};
  stream.remote_ssrcs = {kBrowserSsrc + static_cast<uint32_t>(index)};
  stream.local_ssrc = kEchoSsrc + static_cast<uint32_t>(index);
  params.streams.push_back(stream);
  return params;
}

class EchoBench {
 public:
  // nic: echo to it instead of the browsers' loopback sockets (tx=tun-nic), or nullptr.
  EchoBench(const RoundConfig& config, const Pattern& pattern, const Profile& profile, bool gso,
            const TunNic* nic)
      : config_(config),
        pattern_(pattern),
        nic_(nic),
        server_context_(make_context("tandem")),
        browser_context_(make_context("browser", profile.openssl_name)),
        worker_(server_context_, nic != nullptr),
        sent_seq_(pattern.sessions, 1),
        checked_seq_(pattern.sessions, 1) {
    if (!gso) worker_.port().disable_gso();
    for (size_t i = 0; i < pattern.sessions; ++i) {
      worker_.add_session(session_params(browser_context_, i));
      browsers_.push_back(std::make_unique<Browser>(browser_context_, i));
      browsers_.back()->connect(worker_, server_context_.fingerprint_sha256());
    }
    if (nic_ != nullptr) move_paths_to_nic();
    // Whole bursts per round, within what the browsers' receive buffers hold.
    const size_t per_browser = tandem::bench::datagrams_fitting(
        browsers_[0]->socket(), browsers_[0]->socket(), pattern.size + 16);
    const size_t cycle = pattern.sessions * pattern.burst;
    config_.packets =
        std::max(cycle, std::min(config_.packets, per_browser * pattern.sessions) / cycle * cycle);
  }

  std::string profile() {
    return std::string(
        tandem::srtp::profile_info(browsers_[0]->srtp().outbound.profile()).sdes_name);
  }
  size_t packets() const noexcept { return config_.packets; }
  uint64_t gso_sends() const noexcept { return worker_.counters().gso_sends; }
  uint64_t datagrams_sent() const noexcept { return worker_.counters().datagrams_sent; }
  uint64_t gso_disabled() const noexcept { return worker_.counters().gso_disabled; }

  CaseResult run() {
    TunNic::Counters counters{};
    return tandem::bench::run_packet_rounds(
        config_, "tandem_bench_webrtc_echo",
        [&] {
          feed();
          if (nic_ != nullptr) counters = TunNic::tx_counters();
        },
        [&] { return worker_.step(); },
        [&](size_t) {
          if (nic_ != nullptr) {
            verify_nic(counters);
          } else {
            verify();
          }
        });
  }

 private:
  size_t plain_size(size_t position_in_burst) const noexcept {
    return position_in_burst + 1 == pattern_.burst ? pattern_.last_size : pattern_.size;
  }

  // A round in the pattern's order: a burst from each browser in turn, each burst one sendmmsg.
  void feed() {
    size_t sent = 0;
    while (sent < config_.packets) {
      for (auto& browser : browsers_) {
        MmsgBatch& batch = browser->batch();
        uint32_t& seq = sent_seq_[browser->index()];
        for (size_t k = 0; k < pattern_.burst; ++k, ++seq) {
          const size_t size = plain_size(k);
          auto packet = std::span(scratch_);
          tandem::bench::make_rtp(packet.first(size), kPayloadType, static_cast<uint16_t>(seq),
                                  seq * 960,
                                  kBrowserSsrc + static_cast<uint32_t>(browser->index()));
          size_t length = size;
          if (browser->srtp().outbound.protect_rtp(packet, length) != SrtpStatus::kOk) {
            die("browser protect failed");
          }
          (void)batch.queue(packet.first(length), worker_.address(), worker_.address_len());
        }
        if (batch.flush(browser->socket().fd()) != pattern_.burst) die("browser send failed");
        sent += pattern_.burst;
      }
    }
  }

  void verify() {
    size_t received = 0;
    for (auto& browser : browsers_) {
      MmsgBatch& batch = browser->batch();
      for (;;) {
        const int n = batch.receive(browser->socket().fd(), kMaxBatch);
        if (n <= 0) break;
        for (size_t i = 0; i < static_cast<size_t>(n); ++i, ++received) {
          check(*browser, batch.slot(i), batch.msgs[i].msg_len);
        }
      }
    }
    if (received != config_.packets) {
      die("browsers received " + std::to_string(received) + " of " +
          std::to_string(config_.packets));
    }
  }

  // Each browser's address as the worker sees it becomes NIC:5004+i; a new nomination from there
  // makes it the selected path. The Binding responses go to the NIC too: read and dropped.
  void move_paths_to_nic() {
    for (auto& browser : browsers_) {
      const auto from = tandem::ice::Endpoint::from_sockaddr(browser->socket().address(),
                                                             browser->socket().address_len());
      if (!from) die("a browser socket has no address");
      const auto port = static_cast<uint16_t>(nic_->port() + browser->index());
      worker_.translate(*from, tandem::ice::Endpoint::ipv4(nic_->ip(), port));
      browser->send_check(worker_, 0x60);
    }
    while (nic_->next(scratch_, nullptr, static_cast<uint16_t>(browsers_.size()))) {
    }
  }

  // Empties the NIC's ring, checking each echo, then its TX counter against the round.
  void verify_nic(const TunNic::Counters& before) {
    size_t received = 0;
    uint16_t port = 0;
    const auto ports = static_cast<uint16_t>(browsers_.size());
    while (const auto payload = nic_->next(scratch_, &port, ports)) {
      check(*browsers_[port - nic_->port()], *payload, payload->size());
      ++received;
    }
    const TunNic::Counters after = TunNic::tx_counters();
    if (received != config_.packets || after.packets - before.packets != config_.packets) {
      die("tx=tun-nic: echoed " + std::to_string(config_.packets) + ", the ring held " +
          std::to_string(received) + ", the TX counter grew by " +
          std::to_string(after.packets - before.packets));
    }
  }

  void check(Browser& browser, std::span<uint8_t> slot, size_t length) {
    uint32_t& seq = checked_seq_[browser.index()];
    const size_t expected_size = plain_size((seq - 1) % pattern_.burst);
    if (browser.srtp().inbound.unprotect_rtp(slot, length) != SrtpStatus::kOk ||
        length != expected_size) {
      die("an echoed packet did not authenticate with the session's key or changed size");
    }
    const auto view = tandem::rtp::RtpPacketView::parse(slot.first(length));
    const auto ssrc = kEchoSsrc + static_cast<uint32_t>(browser.index());
    if (!view || view->ssrc() != ssrc || view->sequence() != static_cast<uint16_t>(seq++)) {
      die("an echoed packet has the wrong SSRC or sequence number");
    }
  }

  RoundConfig config_;
  Pattern pattern_;
  const TunNic* nic_;
  tandem::dtls::DtlsContext server_context_;
  tandem::dtls::DtlsContext browser_context_;
  Worker worker_;
  std::vector<std::unique_ptr<Browser>> browsers_;
  std::vector<uint32_t> sent_seq_;
  std::vector<uint32_t> checked_seq_;
  std::array<uint8_t, tandem::bench::kSlotSize + 64> scratch_{};
};

void run_case(const RoundConfig& config, const Pattern& pattern, const Profile& profile, bool gso,
              const TunNic* nic) {
  EchoBench bench(config, pattern, profile, gso, nic);
  const CaseResult r = bench.run();
  std::printf(
      "webrtc-echo  tx=%-8s %-5s x%-3zu %-23s gso=%-3s  cpu %6.3f µs/packet (best %6.3f)  wall "
      "%6.3f "
      "(best %6.3f)  %6.1f packets/GSO send  (goal ≤ 3 µs)  %s\n",
      nic != nullptr ? "tun-nic" : "loopback", pattern.name, pattern.sessions,
      bench.profile().c_str(), gso ? "on" : "off", r.cpu.median() / 1e3, r.cpu.best() / 1e3,
      r.wall.median() / 1e3, r.wall.best() / 1e3,
      bench.gso_sends() == 0
          ? 0.0
          : static_cast<double>(bench.datagrams_sent()) / static_cast<double>(bench.gso_sends()),
      tandem::bench::verdict(r.cpu.median(), kGoalPacketNs, true));
  if (gso && bench.gso_disabled() > 0) {
    std::printf("  (the kernel refused UDP GSO on this socket: the line above is without it)\n");
  }
}

// "--only audio" or "--only video": that pattern's lines alone; "--only audio-256": only the
// lines of that pattern with that many sessions (for profiling). Else all.
std::string_view only_pattern(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string_view(argv[i]) == "--only") return argv[i + 1];
  }
  return {};
}

void run_cases(const RoundConfig& config, std::string_view only, const TunNic* nic) {
  const auto wanted = [only](const Pattern& p) {
    return only.empty() || only == p.name ||
           only == std::string(p.name) + "-" + std::to_string(p.sessions);
  };
  // The per-packet reference: one session, every datagram its own message (one audio session's
  // batch holds one packet; with GSO its 32 packets here would leave as one send).
  if (wanted(kAudioSingle)) run_case(config, kAudioSingle, kGcm, false, nic);
  for (const Pattern* pattern : {&kAudio, &kAudioWorker}) {
    if (!wanted(*pattern)) continue;
    for (const Profile* profile : {&kGcm, &kCm}) run_case(config, *pattern, *profile, true, nic);
  }
  if (!wanted(kVideo)) return;
  for (const Profile* profile : {&kGcm, &kCm}) run_case(config, kVideo, *profile, true, nic);
  // The same video cases with every datagram sent on its own: what GSO saves.
  for (const Profile* profile : {&kGcm, &kCm}) run_case(config, kVideo, *profile, false, nic);
}

}  // namespace

int main(int argc, char** argv) try {
  const RoundConfig config = tandem::bench::round_config(argc, argv);
  const auto nic_address = TunNic::address_from_args(argc, argv);
  std::printf(
      "webrtc echo: the production path, UdpPort (recvmmsg; sendmmsg with UDP GSO runs per "
      "destination) + MediaWorker-style dispatch + WebRtcTransport::on_rtp (unprotect, RTCP "
      "accounting, SSRC, protect), after real ICE checks and DTLS-SRTP handshakes;\n"
      "  patterns: audio = %zu (and %zu, and 1 for reference) sessions x 1 packet of %zu B in turn "
      "(GSO cannot group); video = "
      "%zu sessions x frames of %zu packets (%zu B, last %zu B) in turn (GSO groups each frame);\n"
      "  tx=loopback: echoes to the browsers' loopback sockets (their receive softirq is charged "
      "to the worker's thread); tx=tun-nic: echoes to an address routed to a TUN device in a "
      "private netns, like a NIC's transmit (bench/run-in-netns.sh);\n"
      "  cpu = worker loop thread CPU time / packet (median of rounds of up to %zu packets, best "
      "in brackets); wall = elapsed time of the same rounds; packets/GSO send = all packets the "
      "worker sent (set-up included) / its GSO sends, 0 when none\n",
      kAudio.sessions, kAudioWorker.sessions, kAudio.size, kVideo.sessions, kVideo.burst,
      kVideo.size, kVideo.last_size, config.packets);
  const std::string_view only = only_pattern(argc, argv);
  run_cases(config, only, nullptr);
  if (!nic_address) {
    tandem::bench::print_nic_skipped();
    return 0;
  }
  const TunNic nic(*nic_address);
  run_cases(config, only, &nic);
  std::printf(
      "  tx=tun-nic sanity: every echo sent to %s was read back from its ring and checked, and "
      "its TX counter grew by exactly the echoes of each round\n",
      TunNic::kDevice);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "tandem_bench_webrtc_echo: %s\n", e.what());
  return 2;
}
