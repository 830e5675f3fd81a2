// Interop with a real third-party DTLS-SRTP peer: the openssl command-line tool (s_server and
// s_client from the same OpenSSL 3 build, a separate process on 127.0.0.1 UDP), in both roles.
// Checks that the handshake completes, the SRTP profile is reported, the peer's certificate
// passes the fingerprint check, and that both ends export the same RFC 5764 keying material.
// Skipped when /usr/bin/openssl is missing.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "dtls/dtls_transport.hpp"
#include "dtls_test_util.hpp"

namespace tandem::dtls::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr const char* kOpenSsl = "/usr/bin/openssl";
constexpr auto kTimeout = std::chrono::seconds(10);

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string to_hex(std::span<const uint8_t> bytes) {
  std::string hex;
  char pair[3];
  for (uint8_t b : bytes) {
    std::snprintf(pair, sizeof(pair), "%02X", b);
    hex += pair;
  }
  return hex;
}

// A scratch directory removed with everything in it.
struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "tandem-dtls-XXXXXX").string();
    path = mkdtemp(pattern.data()) ? fs::path(pattern) : fs::path();
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path.empty()) fs::remove_all(path, ignored);
  }
  fs::path path;
};

// An openssl child with stdin on a pipe we hold and stdout+stderr in a log file. Killed (by its
// pid only) and reaped on destruction.
class ChildProcess {
 public:
  ChildProcess(std::vector<std::string> args, const fs::path& log) : log_(log) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(pipe_fds[0], STDIN_FILENO);
      const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(out, STDOUT_FILENO);
      dup2(out, STDERR_FILENO);
      close(pipe_fds[0]);
      close(pipe_fds[1]);
      std::vector<char*> argv;
      for (std::string& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(pipe_fds[0]);
    stdin_ = pipe_fds[1];
  }
  ~ChildProcess() {
    close_stdin();
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool started() const { return pid_ > 0; }
  void close_stdin() {
    if (stdin_ >= 0) close(stdin_);
    stdin_ = -1;
  }
  // Waits until the log contains `text` (or the child exited / timeout).
  bool wait_for_log(const std::string& text, std::chrono::milliseconds timeout) {
    const auto end = steady_clock::now() + timeout;
    while (steady_clock::now() < end) {
      if (read_text(log_).find(text) != std::string::npos) return true;
      if (exited_ || poll_exit()) return read_text(log_).find(text) != std::string::npos;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return false;
  }
  bool wait_exit(std::chrono::milliseconds timeout) {
    const auto end = steady_clock::now() + timeout;
    while (steady_clock::now() < end) {
      if (exited_ || poll_exit()) return true;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return false;
  }
  std::string log() const { return read_text(log_); }

 private:
  bool poll_exit() {
    if (pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == pid_) exited_ = true;
    return exited_;
  }
  fs::path log_;
  pid_t pid_ = -1;
  int stdin_ = -1;
  bool exited_ = false;
};

struct UdpSocket {
  UdpSocket() {
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local));
    socklen_t length = sizeof(local);
    getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length);
    port = ntohs(local.sin_port);
  }
  ~UdpSocket() {
    if (fd >= 0) close(fd);
  }
  bool connect_to(const sockaddr_in& peer) {
    return ::connect(fd, reinterpret_cast<const sockaddr*>(&peer), sizeof(peer)) == 0;
  }
  int fd = -1;
  uint16_t port = 0;
};

uint16_t free_udp_port() { return UdpSocket().port; }

// Sends what the transport queued, then waits for a datagram or the transport's deadline.
class UdpDriver {
 public:
  UdpDriver(UdpSocket& socket, RecordingListener& listener)
      : socket_(socket), listener_(listener) {}

  void flush() {
    for (const Bytes& datagram : listener_.outbox)
      ::send(socket_.fd, datagram.data(), datagram.size(), 0);
    listener_.outbox.clear();
  }

  // Pumps until done() or the timeout. A server socket not connected yet learns its peer from
  // the first datagram.
  template <typename Done>
  bool pump(DtlsTransport& transport, Done&& done, bool learn_peer = false) {
    const auto end = steady_clock::now() + kTimeout;
    std::vector<uint8_t> buffer(65536);
    while (steady_clock::now() < end) {
      flush();
      if (done()) return true;
      int wait_ms = 50;
      if (auto deadline = transport.next_deadline()) {
        const auto left = std::chrono::duration_cast<milliseconds>(*deadline - steady_clock::now());
        wait_ms = std::clamp<int>(static_cast<int>(left.count()), 0, 50);
      }
      pollfd p{socket_.fd, POLLIN, 0};
      if (poll(&p, 1, wait_ms) > 0) {
        sockaddr_in from{};
        socklen_t from_len = sizeof(from);
        const ssize_t n = recvfrom(socket_.fd, buffer.data(), buffer.size(), 0,
                                   reinterpret_cast<sockaddr*>(&from), &from_len);
        if (n > 0) {
          if (learn_peer) {
            socket_.connect_to(from);
            learn_peer = false;
          }
          transport.on_datagram(std::span<const uint8_t>(buffer.data(), size_t(n)),
                                steady_clock::now());
        }
      }
      transport.on_tick(steady_clock::now());
    }
    flush();
    return done();
  }

 private:
  UdpSocket& socket_;
  RecordingListener& listener_;
};

class OpenSslInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kOpenSsl, X_OK) != 0) GTEST_SKIP() << kOpenSsl << " not installed";
    ASSERT_FALSE(dir_.path.empty());
    cert_ = dir_.path / "peer-cert.pem";
    key_ = dir_.path / "peer-key.pem";
    // The peer's own ECDSA P-256 self-signed certificate, made by the openssl tool itself.
    const std::string make_cert = std::string(kOpenSsl) +
                                  " req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1"
                                  " -nodes -days 2 -subj /CN=openssl-peer -keyout " +
                                  key_.string() + " -out " + cert_.string() + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(make_cert.c_str()), 0);
    const fs::path fp = dir_.path / "fingerprint.txt";
    const std::string fingerprint = std::string(kOpenSsl) + " x509 -in " + cert_.string() +
                                    " -noout -fingerprint -sha256 > " + fp.string();
    ASSERT_EQ(std::system(fingerprint.c_str()), 0);
    // "sha256 Fingerprint=AB:CD:..." (the prefix's case varies between versions).
    std::string line = read_text(fp);
    const size_t equals = line.find('=');
    ASSERT_NE(equals, std::string::npos) << line;
    peer_fingerprint_ = line.substr(equals + 1);
    while (!peer_fingerprint_.empty() && std::isspace(uint8_t(peer_fingerprint_.back()))) {
      peer_fingerprint_.pop_back();
    }
  }

  // "    Keying material: <HEX>" as s_server/s_client print it after the handshake.
  static std::string exported_by_openssl(const std::string& log) {
    const std::string marker = "Keying material: ";
    const size_t at = log.find(marker);
    if (at == std::string::npos) return "";
    const size_t begin = at + marker.size();
    return log.substr(begin, log.find_first_of("\r\n", begin) - begin);
  }

  std::vector<std::string> srtp_args() const {
    return {"-dtls1_2",
            "-use_srtp",
            "SRTP_AES128_CM_SHA1_80",
            "-keymatexport",
            "EXTRACTOR-dtls_srtp",
            "-keymatexportlen",
            "60",
            "-cert",
            cert_.string(),
            "-key",
            key_.string()};
  }

  TempDir dir_;
  fs::path cert_;
  fs::path key_;
  std::string peer_fingerprint_;
  DtlsContext context_ = make_context(server_certificate());
};

TEST_F(OpenSslInteropTest, OurClientAgainstOpenSslServer) {
  const uint16_t port = free_udp_port();
  std::vector<std::string> args = {
      kOpenSsl,   "s_server", "-accept", "127.0.0.1:" + std::to_string(port),
      "-naccept", "1",        "-verify", "1"};
  for (std::string& arg : srtp_args()) args.push_back(arg);
  ChildProcess server(args, dir_.path / "s_server.log");
  ASSERT_TRUE(server.started());
  ASSERT_TRUE(server.wait_for_log("ACCEPT", milliseconds(5000))) << server.log();

  UdpSocket socket;
  sockaddr_in peer{};
  peer.sin_family = AF_INET;
  peer.sin_port = htons(port);
  peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_TRUE(socket.connect_to(peer));
  RecordingListener listener;
  DtlsTransport client(context_, Role::kClient, "sha-256", peer_fingerprint_, listener);
  UdpDriver driver(socket, listener);
  const auto begin = steady_clock::now();
  client.start(begin);
  ASSERT_TRUE(driver.pump(client, [&] { return client.state() != State::kConnecting; }));
  ASSERT_EQ(client.state(), State::kConnected) << listener.failure.value_or("") << "\n"
                                               << server.log();
  std::printf("[ timing   ] tandem client <-> openssl s_server handshake: %.2f ms wall\n",
              std::chrono::duration<double, std::milli>(steady_clock::now() - begin).count());
  EXPECT_EQ(client.srtp_profile(), srtp::Profile::kAes128CmHmacSha1_80);
  ASSERT_TRUE(listener.keys);
  EXPECT_EQ(listener.keys->exported().size(), 60u);

  // close_notify ends s_server's only connection; it then exits and flushes its output.
  client.close();
  driver.flush();
  EXPECT_TRUE(server.wait_exit(milliseconds(5000)));
  const std::string log = server.log();
  EXPECT_NE(log.find("SRTP Extension negotiated, profile=SRTP_AES128_CM_SHA1_80"),
            std::string::npos)
      << log;
  EXPECT_EQ(exported_by_openssl(log), to_hex(listener.keys->exported())) << log;
}

TEST_F(OpenSslInteropTest, OpenSslClientAgainstOurServer) {
  UdpSocket socket;
  RecordingListener listener;
  DtlsTransport server(context_, Role::kServer, "sha-256", peer_fingerprint_, listener);
  server.start(steady_clock::now());
  std::vector<std::string> args = {kOpenSsl, "s_client", "-connect",
                                   "127.0.0.1:" + std::to_string(socket.port)};
  for (std::string& arg : srtp_args()) args.push_back(arg);
  ChildProcess client(args, dir_.path / "s_client.log");
  ASSERT_TRUE(client.started());

  UdpDriver driver(socket, listener);
  const auto begin = steady_clock::now();
  ASSERT_TRUE(driver.pump(
      server, [&] { return server.state() != State::kConnecting; },
      /*learn_peer=*/true));
  ASSERT_EQ(server.state(), State::kConnected) << listener.failure.value_or("") << "\n"
                                               << client.log();
  std::printf("[ timing   ] openssl s_client <-> tandem server handshake: %.2f ms wall\n",
              std::chrono::duration<double, std::milli>(steady_clock::now() - begin).count());
  EXPECT_EQ(server.srtp_profile(), srtp::Profile::kAes128CmHmacSha1_80);
  ASSERT_TRUE(listener.keys);

  // EOF on its stdin makes s_client send close_notify and exit: we must report closed.
  client.close_stdin();
  EXPECT_TRUE(driver.pump(server, [&] { return server.state() == State::kClosed; }));
  EXPECT_TRUE(listener.closed);
  EXPECT_TRUE(client.wait_exit(milliseconds(5000)));
  const std::string log = client.log();
  EXPECT_NE(log.find("SRTP Extension negotiated, profile=SRTP_AES128_CM_SHA1_80"),
            std::string::npos)
      << log;
  EXPECT_EQ(exported_by_openssl(log), to_hex(listener.keys->exported())) << log;
}

TEST_F(OpenSslInteropTest, OpenSslClientWithWrongFingerprintIsRejected) {
  UdpSocket socket;
  RecordingListener listener;
  // Expect some other certificate: the real peer must be refused with a bad_certificate alert.
  DtlsTransport server(context_, Role::kServer, "sha-256",
                       client_certificate().fingerprint_sha256(), listener);
  server.start(steady_clock::now());
  std::vector<std::string> args = {kOpenSsl, "s_client", "-connect",
                                   "127.0.0.1:" + std::to_string(socket.port)};
  for (std::string& arg : srtp_args()) args.push_back(arg);
  ChildProcess client(args, dir_.path / "s_client.log");
  ASSERT_TRUE(client.started());
  UdpDriver driver(socket, listener);
  ASSERT_TRUE(driver.pump(
      server, [&] { return server.state() != State::kConnecting; },
      /*learn_peer=*/true));
  EXPECT_EQ(server.state(), State::kFailed);
  EXPECT_EQ(listener.failure.value_or(""), "fingerprint mismatch: expected sha-256 " +
                                               client_certificate().fingerprint_sha256() +
                                               ", got " + peer_fingerprint_);
  EXPECT_TRUE(client.wait_for_log("bad certificate", milliseconds(5000))) << client.log();
}

}  // namespace
}  // namespace tandem::dtls::test
