// The ICE-TCP port (RFC 6544 passive, RFC 4571 framing) with real loopback sockets: a media
// worker and the shared acceptor, a session created as the echo service does, and a client that
// speaks framed STUN like a browser's active TCP candidate. Bad input on one connection must
// close that connection only, and be counted; the framed path must not allocate per packet.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstring>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "dtls/dtls_certificate.hpp"
#include "ice/stun_view.hpp"
#include "media/ice_tcp_acceptor.hpp"
#include "media/media_worker.hpp"
#include "support/allocation_counter.hpp"
#include "unit/ice/ice_test_util.hpp"

namespace tandem::media {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr const char* kRemoteUfrag = "brws";

class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{3, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  uint16_t local_port() const {
    sockaddr_in local{};
    socklen_t len = sizeof local;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &len);
    return ntohs(local.sin_port);
  }
  bool send_raw(const std::vector<uint8_t>& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  bool send_frame(const std::vector<uint8_t>& payload) {
    std::vector<uint8_t> framed{static_cast<uint8_t>(payload.size() >> 8),
                                static_cast<uint8_t>(payload.size())};
    framed.insert(framed.end(), payload.begin(), payload.end());
    return send_raw(framed);
  }
  // The next frame, or empty on timeout or close.
  std::vector<uint8_t> read_frame() {
    uint8_t header[2];
    if (!read_exact(header, 2)) return {};
    std::vector<uint8_t> payload((static_cast<size_t>(header[0]) << 8) | header[1]);
    if (!read_exact(payload.data(), payload.size())) return {};
    return payload;
  }
  // The next frame into `out`; its size, or 0 on timeout or close.
  size_t read_frame_into(std::array<uint8_t, 1500>& out) {
    uint8_t header[2];
    if (!read_exact(header, 2)) return 0;
    const size_t n = (static_cast<size_t>(header[0]) << 8) | header[1];
    if (n > out.size() || !read_exact(out.data(), n)) return 0;
    return n;
  }
  // True when the server closed the connection (EOF or reset) within the receive timeout.
  bool closed_by_peer() {
    uint8_t byte;
    const ssize_t n = ::recv(fd_, &byte, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  bool read_exact(uint8_t* out, size_t n) {
    size_t got = 0;
    while (got < n) {
      const ssize_t r = ::recv(fd_, out + got, n - got, 0);
      if (r <= 0) return false;
      got += static_cast<size_t>(r);
    }
    return true;
  }
  int fd_ = -1;
  bool connected_ = false;
};

class IceTcpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto certificate = dtls::DtlsCertificate::generate("ice-tcp-test");
    ASSERT_TRUE(certificate.ok());
    MediaWorkerConfig config;
    config.port = 0;
    auto worker = MediaWorker::create(config, *certificate);
    ASSERT_TRUE(worker.ok()) << worker.error().reason;
    worker_ = std::move(worker.value());
    IceTcpAcceptorConfig tcp;
    tcp.addresses = {"127.0.0.1"};
    tcp.port = 0;
    tcp.first_frame_timeout = 300ms;
    auto acceptor = IceTcpAcceptor::create(
        io_, tcp, 1,
        [this](uint32_t index, int fd, const ice::Endpoint& remote, std::vector<uint8_t> bytes) {
          EXPECT_EQ(index, 0u);
          worker_->adopt_tcp_connection(fd, remote, std::move(bytes));
        });
    ASSERT_TRUE(acceptor.ok()) << acceptor.error().reason;
    acceptor_ = std::move(acceptor.value());
    port_ = acceptor_->local_endpoints().front().port();
    worker_->start();
    acceptor_->start();
    io_thread_ = std::thread([this] { io_.run(); });

    SessionParams params;
    params.remote_ufrag = kRemoteUfrag;
    params.remote_pwd = "browserpassword0123456789";
    params.remote_fingerprint_alg = "sha-256";
    params.remote_fingerprint = certificate->fingerprint_sha256();
    StreamParams audio;
    audio.mid = "0";
    audio.payload_types = {111};
    audio.local_ssrc = 0x1234;
    params.streams.push_back(audio);
    std::promise<Result<SessionInfo>> created;
    worker_->create_session(params, io_.get_executor(),
                            [&created](Result<SessionInfo> info) { created.set_value(info); });
    auto info = created.get_future().get();
    ASSERT_TRUE(info.ok()) << info.error().reason;
    session_ = *info;
  }

  void TearDown() override {
    if (acceptor_) asio::post(io_, [this] { acceptor_->stop(); });
    guard_.reset();
    if (io_thread_.joinable()) io_thread_.join();
    if (worker_) worker_->stop();
  }

  std::vector<uint8_t> check(uint8_t id, bool use_candidate = true,
                             const std::string& ufrag = {}) const {
    ice::test::CheckOptions o;
    o.username = (ufrag.empty() ? session_.local_ufrag : ufrag) + ":" + kRemoteUfrag;
    o.pwd = session_.local_pwd;
    o.use_candidate = use_candidate;
    o.id = id;
    return ice::test::make_check(o);
  }

  // True when `reply` is a Binding success response that maps to `client`.
  static bool is_success_for(const std::vector<uint8_t>& reply, const Client& client) {
    const auto view = ice::StunView::parse(reply);
    if (!view || view->type() != 0x0101) return false;
    const auto mapped = view->xor_mapped_address();
    return mapped && mapped->port() == client.local_port();
  }

  std::pair<std::vector<SessionStats>, WorkerCounters> stats() {
    std::promise<std::pair<std::vector<SessionStats>, WorkerCounters>> done;
    worker_->query_stats(io_.get_executor(),
                         [&done](std::vector<SessionStats> s, WorkerCounters c) {
                           done.set_value({std::move(s), c});
                         });
    return done.get_future().get();
  }

  IceTcpAcceptorCounters acceptor_counters() {
    std::promise<IceTcpAcceptorCounters> done;
    asio::post(io_, [&] { done.set_value(acceptor_->counters()); });
    return done.get_future().get();
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_{io_.get_executor()};
  std::thread io_thread_;
  std::unique_ptr<MediaWorker> worker_;
  std::unique_ptr<IceTcpAcceptor> acceptor_;
  uint16_t port_ = 0;
  SessionInfo session_;
};

TEST_F(IceTcpTest, ChecksAreAnsweredFramedAndSelectTheTcpPath) {
  Client client(port_);
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send_frame(check(1)));
  const auto reply = client.read_frame();
  EXPECT_TRUE(is_success_for(reply, client)) << reply.size();
  // Two frames in one write: both answered, in order.
  auto two = check(2);
  auto second = check(3);
  std::vector<uint8_t> both{static_cast<uint8_t>(two.size() >> 8),
                            static_cast<uint8_t>(two.size())};
  both.insert(both.end(), two.begin(), two.end());
  both.push_back(static_cast<uint8_t>(second.size() >> 8));
  both.push_back(static_cast<uint8_t>(second.size()));
  both.insert(both.end(), second.begin(), second.end());
  ASSERT_TRUE(client.send_raw(both));
  EXPECT_TRUE(is_success_for(client.read_frame(), client));
  EXPECT_TRUE(is_success_for(client.read_frame(), client));

  const auto [sessions, counters] = stats();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].ice_state, "connected");
  EXPECT_EQ(sessions[0].selected_transport, "tcp");
  EXPECT_EQ(sessions[0].selected_path, "127.0.0.1:" + std::to_string(client.local_port()));
  EXPECT_EQ(counters.tcp.connections_adopted, 1u);
  EXPECT_EQ(counters.tcp.frames_received, 3u);
  EXPECT_EQ(counters.tcp.frames_sent, 3u);
  EXPECT_EQ(acceptor_counters().handed_over, 1u);
}

TEST_F(IceTcpTest, BadConnectionsAreClosedAndCountedOthersKeepWorking) {
  Client good(port_);
  ASSERT_TRUE(good.send_frame(check(1)));
  ASSERT_TRUE(is_success_for(good.read_frame(), good));

  Client garbage(port_);  // an HTTP request on the ICE-TCP port
  const std::string http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_TRUE(garbage.send_raw(std::vector<uint8_t>(http.begin(), http.end())));
  Client not_stun(port_);  // a plausible length, but RTP inside
  std::vector<uint8_t> rtp(40, 0);
  rtp[0] = 0x80;
  ASSERT_TRUE(not_stun.send_frame(rtp));
  Client other_worker(port_);  // our ufrag shape, naming worker 'Z' (25) of a 1-worker service
  ASSERT_TRUE(other_worker.send_frame(check(1, true, "Zabcdefg")));
  Client unknown_session(port_);  // names worker 0, but no such session there
  ASSERT_TRUE(unknown_session.send_frame(check(1, true, "Aabcdefg")));
  Client silent(port_);  // says nothing: closed after first_frame_timeout
  Client half(port_);    // half a frame, then nothing
  ASSERT_TRUE(half.send_raw({0x00, 0x50, 0x00, 0x01}));
  Client oversize(port_);  // binds to the session, then announces a 65535-byte frame
  ASSERT_TRUE(oversize.send_frame(check(2, false)));
  ASSERT_TRUE(is_success_for(oversize.read_frame(), oversize));
  ASSERT_TRUE(oversize.send_raw({0xff, 0xff, 0x00}));

  EXPECT_TRUE(garbage.closed_by_peer());
  EXPECT_TRUE(not_stun.closed_by_peer());
  EXPECT_TRUE(other_worker.closed_by_peer());
  EXPECT_TRUE(unknown_session.closed_by_peer());
  EXPECT_TRUE(silent.closed_by_peer());
  EXPECT_TRUE(half.closed_by_peer());
  EXPECT_TRUE(oversize.closed_by_peer());

  // The session and its first connection are untouched.
  ASSERT_TRUE(good.send_frame(check(9)));
  EXPECT_TRUE(is_success_for(good.read_frame(), good));
  const auto a = acceptor_counters();
  EXPECT_EQ(a.rejected_not_stun, 2u);
  EXPECT_EQ(a.rejected_unknown_ufrag, 1u);
  EXPECT_EQ(a.timeouts, 2u);
  EXPECT_EQ(a.handed_over, 3u);
  const auto [sessions, counters] = stats();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].selected_transport, "tcp");
  EXPECT_EQ(counters.tcp.connections_rejected, 1u);  // unknown_session
  EXPECT_EQ(counters.tcp.oversize_frames, 1u);
  EXPECT_EQ(counters.tcp.connections_closed, 1u);  // oversize
}

TEST_F(IceTcpTest, SessionEndClosesItsConnection) {
  Client client(port_);
  ASSERT_TRUE(client.send_frame(check(1)));
  ASSERT_TRUE(is_success_for(client.read_frame(), client));
  worker_->destroy_session(session_.id);
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_EQ(stats().second.tcp.connections_closed, 1u);
}

TEST_F(IceTcpTest, FramedChecksAllocateNothingInCxx) {
  Client client(port_);
  ASSERT_TRUE(client.send_frame(check(1)));
  ASSERT_TRUE(is_success_for(client.read_frame(), client));
  const auto request = check(2);
  for (int i = 0; i < 20; ++i) {  // warm up Asio's handler memory
    ASSERT_TRUE(client.send_frame(request));
    ASSERT_FALSE(client.read_frame().empty());
  }
  // The client side allocates nothing in the loop either: request framed once, replies read
  // into a fixed buffer.
  std::vector<uint8_t> framed{static_cast<uint8_t>(request.size() >> 8),
                              static_cast<uint8_t>(request.size())};
  framed.insert(framed.end(), request.begin(), request.end());
  std::array<uint8_t, 1500> reply{};
  constexpr int kRounds = 300;
  int answered = 0;
  const long before = tandem::test::cxx_allocations();
  for (int i = 0; i < kRounds; ++i) {
    if (!client.send_raw(framed) || client.read_frame_into(reply) == 0) break;
    ++answered;
  }
  const long allocations = tandem::test::cxx_allocations() - before;
  EXPECT_EQ(answered, kRounds);
  EXPECT_EQ(allocations, 0) << "C++ allocations in the worker's ICE-TCP path";
}

}  // namespace
}  // namespace tandem::media
