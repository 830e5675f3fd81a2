#include "bridge_harness.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <stdexcept>

#include "common/byte_io.hpp"
#include "common/hmac_sha1.hpp"
#include "ice/stun_builder.hpp"
#include "ice/stun_constants.hpp"

namespace tandem::media::test {

namespace {

using Clock = std::chrono::steady_clock;

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

}  // namespace

std::optional<RtpPacket> RtpPacket::parse(const uint8_t* data, size_t size) {
  if (size < 12 || (data[0] >> 6) != 2) return std::nullopt;
  RtpPacket p;
  p.marker = (data[1] & 0x80) != 0;
  p.payload_type = data[1] & 0x7F;
  p.sequence = load_be16(data + 2);
  p.timestamp = load_be32(data + 4);
  p.ssrc = load_be32(data + 8);
  size_t header = 12 + 4 * size_t{data[0] & 0x0Fu};
  if ((data[0] & 0x10) != 0) {
    if (size < header + 4) return std::nullopt;
    header += 4 + 4 * size_t{load_be16(data + header + 2)};
  }
  size_t end = size;
  if ((data[0] & 0x20) != 0 && size > header) end -= data[size - 1];
  if (end < header) return std::nullopt;
  p.payload.assign(data + header, data + end);
  return p;
}

std::vector<uint8_t> RtpPacket::serialize() const {
  std::vector<uint8_t> block = extension;
  block.resize((block.size() + 3) / 4 * 4, 0);
  const size_t header = 12 + (block.empty() ? 0 : 4 + block.size());
  std::vector<uint8_t> out(header + payload.size());
  out[0] = block.empty() ? 0x80 : 0x90;
  if (!block.empty()) {
    store_be16(&out[12], 0xBEDE);
    store_be16(&out[14], static_cast<uint16_t>(block.size() / 4));
    std::copy(block.begin(), block.end(), out.begin() + 16);
  }
  out[1] = static_cast<uint8_t>((marker ? 0x80 : 0) | payload_type);
  store_be16(&out[2], sequence);
  store_be32(&out[4], timestamp);
  store_be32(&out[8], ssrc);
  std::copy(payload.begin(), payload.end(), out.begin() + static_cast<long>(header));
  return out;
}

TestSocket::TestSocket(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  sockaddr_in a = loopback(port);
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    throw std::runtime_error("test socket: bind failed");
  }
  socklen_t len = sizeof a;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
}

TestSocket::~TestSocket() {
  if (fd_ >= 0) ::close(fd_);
}

void TestSocket::send_to(const std::vector<uint8_t>& data, uint16_t port) const {
  const sockaddr_in a = loopback(port);
  (void)::sendto(fd_, data.data(), data.size(), 0, reinterpret_cast<const sockaddr*>(&a), sizeof a);
}

std::optional<std::vector<uint8_t>> TestSocket::receive(std::chrono::milliseconds timeout,
                                                        uint16_t* from_port) const {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
  std::vector<uint8_t> buffer(2048);
  sockaddr_in from{};
  socklen_t len = sizeof from;
  const ssize_t n =
      ::recvfrom(fd_, buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
  if (n < 0) return std::nullopt;
  buffer.resize(static_cast<size_t>(n));
  if (from_port != nullptr) *from_port = ntohs(from.sin_port);
  return buffer;
}

TestBrowser::TestBrowser(dtls::Role role)
    : role_(role),
      certificate_(dtls::DtlsCertificate::generate("test-browser").value()),
      context_(
          std::make_unique<dtls::DtlsContext>(dtls::DtlsContext::create(certificate_).value())) {}

void TestBrowser::start(const BridgeInfo& info) {
  worker_port_ = info.candidates.front().port();
  std::array<uint8_t, ice::kTransactionIdSize> tid{};
  for (size_t i = 0; i < tid.size(); ++i) tid[i] = static_cast<uint8_t>(0x30 + i);
  std::array<uint8_t, 256> out{};
  ice::StunBuilder b(out, ice::kBindingRequest, tid);
  b.add_string(ice::attr::kUsername, info.local_ufrag + ":brws");
  b.add_u32(ice::attr::kPriority, 0x6e7f1eff);
  b.add_u64(ice::attr::kIceControlling, 0x1122334455667788);
  b.add_flag(ice::attr::kUseCandidate);
  b.add_message_integrity(HmacSha1::create(info.local_pwd).value());
  b.add_fingerprint();
  if (!b.ok()) throw std::runtime_error("cannot build the ICE check");
  socket_.send_to(std::vector<uint8_t>(b.message().begin(), b.message().end()), worker_port_);
  dtls_ = std::make_unique<dtls::DtlsTransport>(*context_, role_, "sha-256",
                                                info.fingerprint_sha256, *this);
  dtls_->start(Clock::now());
}

void TestBrowser::handle(const std::vector<uint8_t>& datagram) {
  if (datagram.empty()) return;
  const uint8_t first = datagram[0];
  if (first >= 20 && first <= 63) dtls_->on_datagram(datagram, Clock::now());
}

bool TestBrowser::wait_connected(std::chrono::milliseconds timeout) {
  const auto end = Clock::now() + timeout;
  while (!outbound_ && !failed_ && Clock::now() < end) {
    if (auto d = socket_.receive(std::chrono::milliseconds(20))) handle(*d);
    const auto deadline = dtls_->next_deadline();
    if (deadline && *deadline <= Clock::now()) dtls_->on_tick(Clock::now());
  }
  return outbound_.has_value();
}

std::vector<uint8_t> TestBrowser::protect(const RtpPacket& packet) {
  std::vector<uint8_t> bytes = packet.serialize();
  if (!outbound_ || !outbound_->protect_rtp(bytes)) throw std::runtime_error("SRTP protect");
  return bytes;
}

void TestBrowser::send_rtp(const RtpPacket& packet) { send_raw(protect(packet)); }

std::optional<RtpPacket> TestBrowser::receive_rtp(std::chrono::milliseconds timeout) {
  const auto end = Clock::now() + timeout;
  while (Clock::now() < end) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
    auto d = socket_.receive(std::max(left, std::chrono::milliseconds(1)));
    if (!d) continue;
    if (d->size() < 2 || ((*d)[0] >> 6) != 2) {
      handle(*d);
      continue;
    }
    if ((*d)[1] >= 192 && (*d)[1] <= 223) continue;  // SRTCP: the worker's reports
    if (!inbound_ || !inbound_->unprotect_rtp(*d)) continue;
    return RtpPacket::parse(d->data(), d->size());
  }
  return std::nullopt;
}

void TestBrowser::on_dtls_send(std::span<const uint8_t> datagram) {
  if (worker_port_ != 0) {
    socket_.send_to(std::vector<uint8_t>(datagram.begin(), datagram.end()), worker_port_);
  }
}

void TestBrowser::on_dtls_connected(const dtls::SrtpKeyMaterial& keys, dtls::SrtpSessionPair) {
  const dtls::Role peer = role_ == dtls::Role::kClient ? dtls::Role::kServer : dtls::Role::kClient;
  outbound_.emplace(keys.profile(), keys.write_key(role_), keys.write_salt(role_), true);
  inbound_.emplace(keys.profile(), keys.write_key(peer), keys.write_salt(peer), false);
}

void TestBrowser::on_dtls_failed(std::string_view) { failed_ = true; }
void TestBrowser::on_dtls_closed() { failed_ = true; }

WorkerFixture::WorkerFixture(PortRange ports)
    : certificate_(dtls::DtlsCertificate::generate("bridge-test").value()),
      guard_(boost::asio::make_work_guard(io_)) {
  MediaWorkerConfig config;
  config.port = 0;
  config.pbx_ports = ports;
  worker_.emplace(MediaWorker::create(config, certificate_));
  if (!worker_->ok()) throw std::runtime_error(worker_->error().reason);
  worker().start();
}

WorkerFixture::~WorkerFixture() {
  if (worker_->ok()) worker().stop();
}

Result<BridgeInfo> WorkerFixture::allocate() {
  std::optional<Result<BridgeInfo>> out;
  worker().allocate_bridge(io_.get_executor(),
                           [&out](Result<BridgeInfo> r) { out = std::move(r); });
  run_until([&] { return out.has_value(); }, std::chrono::seconds(5));
  if (!out) return Error{"no reply"};
  return std::move(*out);
}

Status WorkerFixture::configure(SessionId id, const BridgeParams& params) {
  std::optional<Status> out;
  worker().configure_bridge(id, params, io_.get_executor(), [&out](Status s) { out = s; });
  run_until([&] { return out.has_value(); }, std::chrono::seconds(5));
  if (!out) return Error{"no reply"};
  return *out;
}

std::optional<BridgeStats> WorkerFixture::bridge_stats(SessionId id) {
  std::optional<std::vector<SessionStats>> out;
  worker().query_stats(io_.get_executor(),
                       [&out](std::vector<SessionStats> s, WorkerCounters) { out = std::move(s); });
  run_until([&] { return out.has_value(); }, std::chrono::seconds(5));
  if (!out) return std::nullopt;
  for (const SessionStats& s : *out) {
    if (s.id == id) return s.bridge;
  }
  return std::nullopt;
}

PortRange free_port_pair() {
  for (int attempt = 0; attempt < 100; ++attempt) {
    TestSocket probe;
    const auto even = static_cast<uint16_t>(probe.port() & ~1u);
    try {
      std::optional<TestSocket> low;
      std::optional<TestSocket> high;
      if (probe.port() == even) {
        high.emplace(static_cast<uint16_t>(even + 1));
      } else {
        low.emplace(even);
      }
      return PortRange{even, static_cast<uint16_t>(even + 1)};
    } catch (const std::runtime_error&) {
      // the neighbour is taken: try another ephemeral port
    }
  }
  throw std::runtime_error("no free port pair");
}

BridgeParams bridge_params(const TestBrowser& browser, BridgeCodec codec, uint16_t pbx_port) {
  BridgeParams p;
  p.pbx_codec = codec;
  p.browser_pt = 111;
  p.pbx_pt = codec == BridgeCodec::kOpus ? 107 : (codec == BridgeCodec::kPcmu ? 0 : 8);
  p.browser_dtmf_pt = 126;
  p.pbx_dtmf_pt = 101;
  p.pbx_dtmf_clock_rate = codec == BridgeCodec::kOpus ? 48000 : 8000;
  p.pbx_address = "127.0.0.1";
  p.pbx_port = pbx_port;
  p.remote_ufrag = "brws";
  p.remote_pwd = "browserpasswordbrowserp";
  p.remote_fingerprint_alg = "sha-256";
  p.remote_fingerprint = browser.fingerprint();
  return p;
}

void BridgedCall::connect(const BridgeParams& params) {
  auto allocated = fixture.allocate();
  ASSERT_TRUE(allocated.ok()) << allocated.error().reason;
  info = *allocated;
  browser.start(info);
  ASSERT_TRUE(fixture.configure(info.id, params).ok());
  ASSERT_TRUE(browser.wait_connected(std::chrono::milliseconds(5000)));
}

}  // namespace tandem::media::test
