#include "app/echo_command.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <vector>

#include "app/echo_service.hpp"
#include "dtls/dtls_certificate.hpp"
#include "http/http_router.hpp"
#include "http/http_server.hpp"
#include "media/ice_tcp_acceptor.hpp"
#include "media/media_worker.hpp"

#ifndef TANDEM_WEB_DIR
#define TANDEM_WEB_DIR "web"
#endif

namespace tandem::app {

namespace {

namespace asio = boost::asio;
using http::HttpRequest;
using http::Reply;

// The media side of the running service, owned by run_echo's stack and used only on the
// signaling thread; EchoService serves the HTTP side.
struct EchoMedia {
  asio::io_context io;
  std::vector<std::unique_ptr<media::MediaWorker>> workers;
  std::unique_ptr<media::IceTcpAcceptor> tcp;  // the shared ICE-TCP port, or none
  std::vector<ice::Endpoint> tcp_candidates;   // its announced addresses (transport TCP)
};

bool split_host_port(const std::string& text, std::string& host, uint16_t& port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  try {
    const unsigned long p = std::stoul(text.substr(colon + 1));
    if (p > 65535) return false;
    port = static_cast<uint16_t>(p);
  } catch (const std::exception&) {
    return false;
  }
  return !host.empty();
}

std::optional<ice::Endpoint> tcp_endpoint(const std::string& address, uint16_t port) {
  const bool v6 = address.find(':') != std::string::npos;
  const auto e =
      ice::Endpoint::parse((v6 ? "[" + address + "]" : address) + ":" + std::to_string(port));
  if (!e) return std::nullopt;
  return e->with_transport(ice::Endpoint::Transport::kTcp);
}

// The shared ICE-TCP port on the media addresses; connections go to the worker their first
// check's ufrag names. Fills service.tcp and the announced TCP candidates.
bool start_ice_tcp(EchoMedia& service, const EchoOptions& options, const std::string& media_host,
                   uint16_t media_port, std::ostream& err) {
  media::IceTcpAcceptorConfig config;
  config.addresses.push_back(media_host);
  if (!options.media6.empty()) config.addresses.push_back(options.media6);
  config.port = options.tcp_port < 0 ? media_port : static_cast<uint16_t>(options.tcp_port);
  config.max_frame = media::MediaWorker::kMaxDatagram;
  auto acceptor = media::IceTcpAcceptor::create(
      service.io, config, static_cast<uint32_t>(service.workers.size()),
      [&service](uint32_t worker, int fd, const ice::Endpoint& remote,
                 std::vector<uint8_t> initial) {
        service.workers[worker]->adopt_tcp_connection(fd, remote, std::move(initial));
      });
  if (!acceptor) {
    err << "tandem echo: " << acceptor.error().reason << "\n";
    return false;
  }
  const std::vector<std::string> announced = {
      options.announce.empty() ? media_host : options.announce,
      options.announce6.empty() ? options.media6 : options.announce6};
  const auto& locals = (*acceptor)->local_endpoints();
  for (size_t i = 0; i < locals.size(); ++i) {
    const auto e = tcp_endpoint(announced[i], locals[i].port());
    if (!e) {
      err << "tandem echo: bad announced address '" << announced[i] << "'\n";
      return false;
    }
    service.tcp_candidates.push_back(*e);
  }
  service.tcp = std::move(acceptor.value());
  return true;
}

}  // namespace

CLI::App* add_echo_subcommand(CLI::App& app, EchoOptions& options) {
  CLI::App* echo = app.add_subcommand(
      "echo",
      "WebRTC echo service for the pre-call network test: POST /api/echo (SDP offer in, JSON "
      "answer out), the test page at /precall/. Runs until SIGINT/SIGTERM");
  echo->add_option("--http", options.http, "HTTP listen address:port")->capture_default_str();
  echo->add_option("--media", options.media,
                   "UDP address:port of the first media worker (worker i uses port + i)")
      ->capture_default_str();
  echo->add_option("--workers", options.workers, "Media worker threads (one UDP port each)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 64u));
  echo->add_option("--announce", options.announce,
                   "Address written in our ICE candidate (public address behind 1:1 NAT); "
                   "defaults to the --media address");
  echo->add_option("--media6", options.media6,
                   "IPv6 address of a second UDP socket per worker (same ports as --media) and "
                   "of the ICE-TCP port: the answer then carries IPv4 and IPv6 candidates");
  echo->add_option("--announce6", options.announce6,
                   "Address written in our IPv6 candidates; defaults to --media6");
  echo->add_option("--tcp-port", options.tcp_port,
                   "ICE-TCP port (RFC 6544 passive candidates) shared by all workers; defaults "
                   "to the --media port, 0 lets the kernel pick")
      ->check(CLI::Range(0, 65535));
  echo->add_flag("--no-tcp", options.no_tcp, "Offer no ICE-TCP candidates");
  echo->add_option("--web-dir", options.web_dir,
                   "Directory holding the pre-call page (defaults to web/precall of the source "
                   "tree)");
  echo->add_option("--max-session-seconds", options.max_session_seconds,
                   "Tear a session down after this long")
      ->capture_default_str()
      ->check(CLI::Range(1u, 86400u));
  return echo;
}

int run_echo(const EchoOptions& options, std::ostream& out, std::ostream& err) {
  std::string media_host;
  uint16_t media_port = 0;
  if (!split_host_port(options.media, media_host, media_port)) {
    err << "tandem echo: --media: expected address:port, got '" << options.media << "'\n";
    return 1;
  }
  if (media_port != 0 && media_port + options.workers - 1 > 65535) {
    err << "tandem echo: --media: port range " << media_port << "+" << options.workers
        << " leaves 1..65535\n";
    return 1;
  }
  auto certificate = dtls::DtlsCertificate::generate("tandem-echo");
  if (!certificate) {
    err << "tandem echo: DTLS certificate: " << certificate.error().reason << "\n";
    return 1;
  }
  EchoMedia service;
  for (unsigned i = 0; i < options.workers; ++i) {
    media::MediaWorkerConfig config;
    config.index = i;
    config.bind_address = media_host;
    config.port = media_port == 0 ? 0 : static_cast<uint16_t>(media_port + i);
    config.announced_address = options.announce;
    config.bind_address2 = options.media6;
    config.announced_address2 = options.announce6;
    config.max_session_age = std::chrono::seconds(options.max_session_seconds);
    auto worker = media::MediaWorker::create(config, *certificate);
    if (!worker) {
      err << "tandem echo: " << worker.error().reason << "\n";
      return 1;
    }
    service.workers.push_back(std::move(worker.value()));
  }
  if (!options.no_tcp && !start_ice_tcp(service, options, media_host, media_port, err)) return 1;
  const std::filesystem::path web_dir = options.web_dir.empty()
                                            ? std::filesystem::path(TANDEM_WEB_DIR) / "precall"
                                            : std::filesystem::path(options.web_dir);
  if (!std::filesystem::is_regular_file(web_dir / "index.html")) {
    err << "tandem echo: --web-dir: no index.html in " << web_dir.string() << "\n";
    return 1;
  }
  EchoService echo(service.io, service.workers, service.tcp_candidates, service.tcp.get(), web_dir);
  http::HttpRouter router;
  echo.add_routes(router);
  auto server = http::HttpServer::create(
      service.io, options.http, [router = std::move(router)](const HttpRequest& r, Reply reply) {
        router.dispatch(r, std::move(reply));
      });
  if (!server) {
    err << "tandem echo: " << server.error().reason << "\n";
    return 1;
  }

  asio::signal_set signals(service.io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    out << "tandem echo: signal " << signal << ", shutting down" << std::endl;
    (*server)->stop();
    if (service.tcp) service.tcp->stop();
    for (auto& worker : service.workers) worker->stop();
    service.io.stop();
  });
  for (auto& worker : service.workers) worker->start();
  if (service.tcp) service.tcp->start();
  (*server)->start();
  const auto http_endpoint = (*server)->local_endpoint();
  out << "tandem echo: http://" << http_endpoint.address().to_string() << ":"
      << http_endpoint.port() << "/precall/ media udp";
  for (auto& worker : service.workers) {
    for (const auto& local : worker->local_endpoints()) out << " " << local.to_string();
  }
  if (service.tcp) {
    out << " tcp";
    for (const auto& local : service.tcp->local_endpoints()) out << " " << local.to_string();
  }
  out << " fingerprint sha-256 " << certificate->fingerprint_sha256() << std::endl;
  service.io.run();
  for (auto& worker : service.workers) worker->stop();
  out << "tandem echo: stopped" << std::endl;
  return 0;
}

}  // namespace tandem::app
