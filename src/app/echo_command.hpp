// `tandem echo`: the WebRTC echo service behind the pre-call network test. The HTTP edge
// (signaling thread) takes the browser's SDP offer at POST /api/echo, a media worker creates the
// session (ICE-lite + DTLS-SRTP) and the answer goes back; media is echoed until the browser
// leaves. Runs until SIGINT/SIGTERM.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace tandem::app {

struct EchoOptions {
  std::string http = "127.0.0.1:8088";
  std::string media = "127.0.0.1:40000";  // worker i binds port + i
  std::string announce;                   // address in our candidate; the media address if empty
  std::string media6;     // IPv6 address of a second UDP socket per worker (and ICE-TCP port)
  std::string announce6;  // address in our IPv6 candidates; media6 if empty
  int tcp_port = -1;      // ICE-TCP port; -1: the --media base port, 0: the kernel picks
  bool no_tcp = false;    // no ICE-TCP candidates
  unsigned workers = 1;
  std::string web_dir;  // web/precall of the source tree unless set
  unsigned max_session_seconds = 600;
};

CLI::App* add_echo_subcommand(CLI::App& app, EchoOptions& options);

// Exit status: 0 after a clean shutdown on SIGINT/SIGTERM, 1 on a start-up error (printed).
int run_echo(const EchoOptions& options, std::ostream& out, std::ostream& err);

}  // namespace tandem::app
