#include "app/echo_command.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <vector>

#include "dtls/dtls_certificate.hpp"
#include "http/http_router.hpp"
#include "http/http_server.hpp"
#include "http/static_files.hpp"
#include "media/echo_sdp.hpp"
#include "media/ice_tcp_acceptor.hpp"
#include "media/media_worker.hpp"
#include "sdp/parser.hpp"
#include "sdp/serializer.hpp"

#ifndef TANDEM_WEB_DIR
#define TANDEM_WEB_DIR "web"
#endif

namespace tandem::app {

namespace {

namespace asio = boost::asio;
using http::HttpRequest;
using http::HttpResponse;
using http::Reply;
using nlohmann::json;

HttpResponse json_error(unsigned status, const std::string& message) {
  return HttpResponse::json(status, json{{"error", message}}.dump());
}

json stats_json(const media::SessionStats& s) {
  json streams = json::array();
  for (const media::StreamStats& st : s.streams) {
    json j = {{"mid", st.mid},
              {"kind", st.kind == media::MediaKind::kAudio ? "audio" : "video"},
              {"remote_ssrc", st.remote_ssrc},
              {"local_ssrc", st.local_ssrc},
              {"packets_received", st.packets_received},
              {"packets_sent", st.packets_sent},
              {"cumulative_lost", st.cumulative_lost},
              {"jitter", st.jitter},
              {"remote_fraction_lost", st.remote_fraction_lost}};
    j["rtt_ms"] = st.rtt_ms ? json(*st.rtt_ms) : json(nullptr);
    streams.push_back(std::move(j));
  }
  json j = {{"session", std::to_string(s.worker) + "/" + std::to_string(s.id)},
            {"ice", s.ice_state},
            {"dtls", s.dtls_state},
            {"srtp_profile", s.srtp_profile},
            {"selected_path", s.selected_path},
            {"selected_transport", s.selected_transport},
            {"age_s", s.age_s},
            {"datagrams_received", s.datagrams_received},
            {"datagrams_sent", s.datagrams_sent},
            {"rtcp_received", s.rtcp_received},
            {"rtcp_sent", s.rtcp_sent},
            {"srtp_failures", s.srtp_failures},
            {"srtp_replays", s.srtp_replays},
            {"srtp_auth_failures", s.srtp_auth_failures},
            {"streams", std::move(streams)}};
  j["connect_ms"] = s.connect_ms ? json(*s.connect_ms) : json(nullptr);
  return j;
}

// The state of the running service, owned by run_echo's stack and used only on the signaling
// thread.
struct EchoService {
  asio::io_context io;
  std::vector<std::unique_ptr<media::MediaWorker>> workers;
  size_t next_worker = 0;
  std::unique_ptr<media::IceTcpAcceptor> tcp;  // the shared ICE-TCP port, or none
  std::vector<ice::Endpoint> tcp_candidates;   // its announced addresses (transport TCP)
  std::unique_ptr<http::StaticFiles> files;

  void post_offer(const HttpRequest& request, Reply reply) {
    std::string sdp_text;
    if (request.content_type == "application/json") {
      const json body = json::parse(request.body, nullptr, false);
      if (body.is_discarded() || !body.is_object() || !body.contains("sdp") ||
          !body["sdp"].is_string()) {
        reply(json_error(400, "expected a JSON object with an \"sdp\" string"));
        return;
      }
      sdp_text = body["sdp"].get<std::string>();
    } else if (request.content_type == "application/sdp" || request.content_type == "text/plain" ||
               request.content_type.empty()) {
      sdp_text = request.body;
    } else {
      reply(json_error(415, "send the offer as application/sdp, text/plain or application/json"));
      return;
    }
    auto offer = sdp::parse_sdp(sdp_text);
    if (!offer) {
      reply(json_error(400, "the offer is not valid SDP: " + offer.error().describe()));
      return;
    }
    auto plan = media::plan_echo(*offer);
    if (!plan) {
      reply(json_error(400, plan.error().reason));
      return;
    }
    media::MediaWorker& worker = *workers[next_worker++ % workers.size()];
    auto shared_plan = std::make_shared<media::EchoPlan>(std::move(plan.value()));
    auto shared_offer = std::make_shared<sdp::SessionDescription>(std::move(offer.value()));
    media::SessionParams params = shared_plan->params;
    worker.create_session(
        std::move(params), io.get_executor(),
        [reply = std::move(reply), shared_plan, shared_offer,
         tcp = tcp_candidates](Result<media::SessionInfo> info) {
          if (!info) {
            reply(json_error(503, "cannot create the media session: " + info.error().reason));
            return;
          }
          info->candidates.insert(info->candidates.end(), tcp.begin(), tcp.end());
          const auto answer = media::build_echo_answer(*shared_offer, *shared_plan, *info);
          json body = {{"type", "answer"},
                       {"sdp", sdp::serialize_sdp(answer)},
                       {"session", std::to_string(info->worker) + "/" + std::to_string(info->id)}};
          reply(HttpResponse::json(200, body.dump()));
        });
  }

  void delete_session(const HttpRequest& request, Reply reply) {
    // /api/echo/<worker>/<id>
    const std::string rest = request.path.substr(std::string_view("/api/echo/").size());
    const size_t slash = rest.find('/');
    unsigned long worker = 0;
    unsigned long id = 0;
    try {
      if (slash == std::string::npos) throw std::invalid_argument("no slash");
      worker = std::stoul(rest.substr(0, slash));
      id = std::stoul(rest.substr(slash + 1));
    } catch (const std::exception&) {
      reply(json_error(404, "expected /api/echo/<worker>/<session>"));
      return;
    }
    if (worker >= workers.size()) {
      reply(json_error(404, "no such worker"));
      return;
    }
    workers[worker]->destroy_session(static_cast<media::SessionId>(id));
    reply(HttpResponse::json(200, R"({"deleted": true})"));
  }

  void get_stats(Reply reply) {
    struct Gather {
      json sessions = json::array();
      json workers = json::array();
      size_t pending = 0;
      Reply reply;
      json ice_tcp = nullptr;
    };
    auto gather = std::make_shared<Gather>();
    if (tcp) {
      const media::IceTcpAcceptorCounters& c = tcp->counters();
      gather->ice_tcp = {{"accepted", c.accepted},
                         {"handed_over", c.handed_over},
                         {"rejected_not_stun", c.rejected_not_stun},
                         {"rejected_unknown_ufrag", c.rejected_unknown_ufrag},
                         {"timeouts", c.timeouts},
                         {"over_limit", c.over_limit}};
    }
    gather->pending = workers.size();
    gather->reply = std::move(reply);
    for (auto& worker : workers) {
      const uint32_t index = worker->index();
      worker->query_stats(io.get_executor(), [gather, index](std::vector<media::SessionStats> stats,
                                                             media::WorkerCounters c) {
        for (const auto& s : stats) gather->sessions.push_back(stats_json(s));
        gather->workers.push_back({{"worker", index},
                                   {"datagrams_received", c.datagrams_received},
                                   {"datagrams_sent", c.datagrams_sent},
                                   {"send_errors", c.send_errors},
                                   {"receive_batches", c.receive_batches},
                                   {"gso_sends", c.gso_sends},
                                   {"gso_disabled", c.gso_disabled},
                                   {"dropped_unknown_ufrag", c.dropped_unknown_ufrag},
                                   {"dropped_unknown_path", c.dropped_unknown_path},
                                   {"dropped_unknown_class", c.dropped_unknown_class},
                                   {"dropped_bad_stun", c.dropped_bad_stun},
                                   {"sessions_created", c.sessions_created},
                                   {"sessions_destroyed", c.sessions_destroyed},
                                   {"tcp_connections_adopted", c.tcp.connections_adopted},
                                   {"tcp_connections_rejected", c.tcp.connections_rejected},
                                   {"tcp_connections_closed", c.tcp.connections_closed},
                                   {"tcp_oversize_frames", c.tcp.oversize_frames},
                                   {"tcp_frames_received", c.tcp.frames_received},
                                   {"tcp_frames_sent", c.tcp.frames_sent},
                                   {"tcp_send_dropped", c.tcp.send_dropped}});
        if (--gather->pending == 0) {
          json body = {{"sessions", gather->sessions},
                       {"workers", gather->workers},
                       {"ice_tcp", gather->ice_tcp}};
          gather->reply(HttpResponse::json(200, body.dump(2)));
        }
      });
    }
  }
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
bool start_ice_tcp(EchoService& service, const EchoOptions& options, const std::string& media_host,
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
  EchoService service;
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
  service.files = std::make_unique<http::StaticFiles>(web_dir, "/precall/");

  http::HttpRouter router;
  router.add("POST", "/api/echo", [&service](const HttpRequest& r, Reply reply) {
    service.post_offer(r, std::move(reply));
  });
  router.add_prefix("DELETE", "/api/echo/", [&service](const HttpRequest& r, Reply reply) {
    service.delete_session(r, std::move(reply));
  });
  router.add("GET", "/api/echo/stats",
             [&service](const HttpRequest&, Reply reply) { service.get_stats(std::move(reply)); });
  router.add("GET", "/",
             [](const HttpRequest&, Reply reply) { reply(HttpResponse::redirect("/precall/")); });
  router.add("GET", "/precall",
             [](const HttpRequest&, Reply reply) { reply(HttpResponse::redirect("/precall/")); });
  router.add_prefix("GET", "/precall/", [&service](const HttpRequest& r, Reply reply) {
    reply(service.files->serve(r.path));
  });
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
