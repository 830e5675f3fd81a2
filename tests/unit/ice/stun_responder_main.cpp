// tandem_stun_responder: a standalone UDP responder for interop checks against third-party STUN
// and ICE clients. Binding requests with USERNAME go to an IceLiteAgent with fixed credentials;
// with --plain, requests without USERNAME get a plain Binding success (XOR-MAPPED-ADDRESS and
// FINGERPRINT, no MESSAGE-INTEGRITY), as a public STUN server would answer them.
//
//   tandem_stun_responder [--port N] [--ufrag U] [--pwd P] [--remote-ufrag R] [--plain]
//                         [--count N] [--timeout-ms N]
//
// Prints "listening 127.0.0.1:PORT" first, one line per datagram, and the counters at exit.
// Exits 0 after --count answered requests, 2 on timeout, 1 on errors.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "ice/ice_lite_agent.hpp"
#include "ice/stun_builder.hpp"
#include "ice/stun_view.hpp"

namespace {

using tandem::ice::Endpoint;
using tandem::ice::IceLiteAgent;
using tandem::ice::IceLiteConfig;
using tandem::ice::StunView;

struct Options {
  uint16_t port = 0;
  IceLiteConfig config;
  bool plain = false;
  long count = 0;  // 0: forever
  long timeout_ms = 0;
};

bool parse_options(int argc, char** argv, Options& o) {
  o.config.local_ufrag = "tndm";
  o.config.local_pwd = "tandemresponderpwd0123";
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* value = nullptr;
    if (arg == "--plain") {
      o.plain = true;
    } else if (arg == "--port" && (value = next())) {
      o.port = static_cast<uint16_t>(std::atoi(value));
    } else if (arg == "--ufrag" && (value = next())) {
      o.config.local_ufrag = value;
    } else if (arg == "--pwd" && (value = next())) {
      o.config.local_pwd = value;
    } else if (arg == "--remote-ufrag" && (value = next())) {
      o.config.remote_ufrag = value;
    } else if (arg == "--count" && (value = next())) {
      o.count = std::atol(value);
    } else if (arg == "--timeout-ms" && (value = next())) {
      o.timeout_ms = std::atol(value);
    } else {
      std::fprintf(stderr, "unknown or incomplete option: %s\n", argv[i]);
      return false;
    }
  }
  return true;
}

void print_counters(const IceLiteAgent& agent) {
  const auto& c = agent.counters();
  std::printf(
      "counters: requests=%lu success=%lu errors=%lu unknown_ufrag=%lu bad_integrity=%lu "
      "malformed=%lu nominations=%lu state=%s\n",
      static_cast<unsigned long>(c.requests), static_cast<unsigned long>(c.success_responses),
      static_cast<unsigned long>(c.error_responses),
      static_cast<unsigned long>(c.dropped_unknown_ufrag),
      static_cast<unsigned long>(c.dropped_bad_integrity),
      static_cast<unsigned long>(c.dropped_malformed), static_cast<unsigned long>(c.nominations),
      std::string(tandem::ice::to_string(agent.state())).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse_options(argc, argv, options)) return 1;
  const auto start = std::chrono::steady_clock::now();
  auto created = IceLiteAgent::create(options.config, nullptr, start);
  if (!created) {
    std::fprintf(stderr, "agent: %s\n", created.error().reason.c_str());
    return 1;
  }
  IceLiteAgent& agent = created.value();

  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(options.port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::perror("bind");
    return 1;
  }
  socklen_t addr_len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &addr_len);
  std::printf("listening 127.0.0.1:%u\n", ntohs(addr.sin_port));
  std::fflush(stdout);

  std::array<uint8_t, 2048> packet{};
  std::array<uint8_t, IceLiteAgent::kMaxResponseSize> response{};
  long answered = 0;
  while (options.count == 0 || answered < options.count) {
    const auto now = std::chrono::steady_clock::now();
    const long elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - start).count();
    if (options.timeout_ms > 0 && elapsed >= options.timeout_ms) {
      std::printf("timeout\n");
      print_counters(agent);
      return 2;
    }
    pollfd pfd{fd, POLLIN, 0};
    if (poll(&pfd, 1, 100) <= 0) {
      agent.on_tick(std::chrono::steady_clock::now());
      continue;
    }
    sockaddr_storage from_addr{};
    socklen_t from_len = sizeof from_addr;
    const ssize_t n = recvfrom(fd, packet.data(), packet.size(), 0,
                               reinterpret_cast<sockaddr*>(&from_addr), &from_len);
    if (n <= 0) continue;
    const auto from = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&from_addr), from_len);
    if (!from) continue;
    const std::span<const uint8_t> bytes(packet.data(), static_cast<size_t>(n));
    tandem::ice::StunError error{};
    const auto view = StunView::parse(bytes, &error);
    size_t size = 0;
    const char* how = "agent";
    if (!view) {
      std::printf("from %s: %zd bytes, not STUN: %s\n", from->to_string().c_str(), n,
                  std::string(tandem::ice::to_string(error)).c_str());
      continue;
    }
    if (options.plain && !view->username() && view->is_binding_request()) {
      how = "plain";
      tandem::ice::StunBuilder b(response, tandem::ice::kBindingSuccess, view->transaction_id());
      if (view->unknown_required_count() > 0) {
        size = tandem::ice::build_binding_error(response, view->transaction_id(),
                                                tandem::ice::error_code::kUnknownAttribute, nullptr,
                                                view->unknown_required());
      } else {
        b.add_xor_mapped_address(*from).add_fingerprint();
        size = b.size();
      }
    } else {
      size = agent.handle_stun(*view, *from, std::chrono::steady_clock::now(), response);
    }
    std::printf("from %s: type 0x%04x user=%s integrity=%d fingerprint=%d -> %s %zu bytes\n",
                from->to_string().c_str(), view->type(),
                std::string(view->username().value_or("-")).c_str(),
                view->has_message_integrity() ? 1 : 0, view->has_fingerprint() ? 1 : 0, how, size);
    std::fflush(stdout);
    if (size == 0) continue;
    sendto(fd, response.data(), size, 0, reinterpret_cast<sockaddr*>(&from_addr), from_len);
    ++answered;
  }
  print_counters(agent);
  close(fd);
  return 0;
}
