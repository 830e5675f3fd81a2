#include "app/gateway_service.hpp"

#include <spdlog/spdlog.h>

#include <ostream>
#include <thread>

#include "app/config_keys.hpp"
#include "app/ws_http_bridge.hpp"
#include "common/text.hpp"
#include "dtls/dtls_certificate.hpp"
#include "gateway/jwt_key.hpp"
#include "gateway/request_auth.hpp"
#include "sip/listen_spec.hpp"
#include "sip/target_next_hop.hpp"
#include "sip/tls_identity.hpp"

#ifndef TANDEM_WEB_DIR
#define TANDEM_WEB_DIR "web"
#endif

namespace tandem::app {

namespace {

using sip::TransportKind;

// Un-REGISTERs and BYEs get this long at shutdown before we stop anyway.
constexpr std::chrono::seconds kShutdownWait{5};

TransportKind kind_of(SipTransport t) {
  switch (t) {
    case SipTransport::kUdp:
      return TransportKind::kUdp;
    case SipTransport::kTcp:
      return TransportKind::kTcp;
    case SipTransport::kTls:
      return TransportKind::kTls;
  }
  return TransportKind::kUdp;
}

Error keyed(std::string_view key, const std::string& value, const std::string& why) {
  return Error{std::string(key) + " (" + value + "): " + why};
}

Result<sip::PeerAddress> parse_address(std::string_view key, const std::string& text,
                                       TransportKind kind) {
  auto spec = sip::parse_listen_spec(to_lower(sip::transport_name(kind)) + ":" + text, key, {kind});
  if (!spec) return Error{spec.error().reason};
  return spec->address;
}

std::string host_of(const sip::PeerAddress& a) {
  const std::string text = a.to_string();
  return text.substr(0, text.rfind(':'));
}

std::vector<gateway::StoredCredential> stored(const CredentialsConfig& c) {
  std::vector<gateway::StoredCredential> out;
  for (const PbxCredential& u : c.users) out.push_back({u.user, u.auth_user, u.password, u.realm});
  return out;
}

}  // namespace

GatewayService::GatewayService(const Config& config)
    : config_(config), store_(stored(config.credentials)) {}

GatewayService::~GatewayService() {
  for (auto& worker : workers_) worker->stop();
}

Result<std::unique_ptr<GatewayService>> GatewayService::create(const Config& config,
                                                               std::ostream& out) {
  if (config.credentials.mode == CredentialMode::kPassthrough) {
    return Error{
        "credentials.mode = \"passthrough\" is not implemented yet: use \"store\" with "
        "[[credentials.user]] entries"};
  }
  auto service = std::unique_ptr<GatewayService>(new GatewayService(config));
  ConfigErrors errors;
  service->verifier_ = make_token_verifier(config.auth, errors);
  std::string turn_secret = load_turn_secret(config.turn, errors);
  if (!errors.empty() || !service->verifier_) {
    return Error{errors.empty() ? "auth: no verifier" : errors.front().describe()};
  }
  gateway::IceServersConfig ice{config.turn.stun, config.turn.servers, std::move(turn_secret),
                                config.turn.credential_ttl};
  service->ice_servers_ = std::make_unique<gateway::IceServersHandler>(
      *service->verifier_, std::move(ice), [] { return gateway::WallClock::now(); });
  service->ice_servers_->add_to(service->router_);
  auto web = WebRoutes::create(config);
  if (!web) return web.error();
  service->web_ = std::move(web.value());
  service->web_->add_to(service->router_);  // before the pre-call routes: "/" is the softphone's
  if (auto s = service->start_media(); !s) return s.error();
  if (auto s = service->start_sip(out); !s) return s.error();
  if (auto s = service->start_browser_listeners(out); !s) return s.error();
  return service;
}

Status GatewayService::start_media() {
  auto certificate = dtls::DtlsCertificate::generate("tandem");
  if (!certificate) return Error{"DTLS certificate: " + certificate.error().reason};
  const MediaConfig& m = config_.media;
  const unsigned count =
      m.workers != 0 ? m.workers : std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < count; ++i) {
    media::MediaWorkerConfig wc;
    wc.index = i;
    wc.bind_address = m.bind_ip;
    wc.port = static_cast<uint16_t>(m.browser_port + i);
    wc.announced_address = m.public_ip;
    wc.pbx_bind_address = m.bind_ip;
    wc.pbx_announced_address = m.public_ip;
    auto slice = media::rtp_port_slice(m.rtp_port_min, m.rtp_port_max, i, count);
    if (!slice) {
      return Error{"media.rtp_port_min/rtp_port_max (" + std::to_string(m.rtp_port_min) + ".." +
                   std::to_string(m.rtp_port_max) + " for " + std::to_string(count) +
                   " workers): " + slice.error().reason};
    }
    wc.pbx_ports = *slice;
    auto worker = media::MediaWorker::create(wc, *certificate);
    if (!worker) {
      return Error{"media.browser_port (" + std::to_string(wc.port) + " on " + m.bind_ip +
                   "): " + worker.error().reason};
    }
    workers_.push_back(std::move(worker.value()));
  }
  std::vector<media::MediaWorker*> raw;
  for (auto& worker : workers_) raw.push_back(worker.get());
  media_plane_ = std::make_unique<gateway::WorkerMediaPlane>(std::move(raw), io_.get_executor());
  if (m.ice_tcp) {
    media::IceTcpAcceptorConfig tc;
    tc.addresses.push_back(m.bind_ip);
    tc.port = m.browser_port;
    tc.max_frame = media::MediaWorker::kMaxDatagram;
    auto acceptor = media::IceTcpAcceptor::create(
        io_, tc, static_cast<uint32_t>(workers_.size()),
        [this](uint32_t worker, int fd, const ice::Endpoint& remote, std::vector<uint8_t> first) {
          workers_[worker]->adopt_tcp_connection(fd, remote, std::move(first));
        });
    if (!acceptor)
      return Error{"media.ice_tcp (TCP " + m.bind_ip + ":" + std::to_string(m.browser_port) +
                   "): " + acceptor.error().reason};
    ice_tcp_ = std::move(acceptor.value());
    for (const auto& local : ice_tcp_->local_endpoints()) {
      const bool v6 = m.public_ip.find(':') != std::string::npos;
      auto e = ice::Endpoint::parse((v6 ? "[" + m.public_ip + "]" : m.public_ip) + ":" +
                                    std::to_string(local.port()));
      if (e) tcp_candidates_.push_back(e->with_transport(ice::Endpoint::Transport::kTcp));
    }
  }
  const std::filesystem::path web_dir = std::filesystem::path(TANDEM_WEB_DIR) / "precall";
  if (std::filesystem::is_regular_file(web_dir / "index.html")) {
    echo_ = std::make_unique<EchoService>(io_, workers_, tcp_candidates_, ice_tcp_.get(), web_dir);
    echo_->add_routes(router_);
  } else {
    spdlog::warn("the pre-call page is not installed ({}): /precall/ and /api/echo are off",
                 web_dir.string());
  }
  return Ok{};
}

sip::Uri GatewayService::our_contact(const std::string& user) const {
  sip::Uri c;
  c.user = user;
  const bool wildcard = pbx_local_.ip.is_unspecified();
  c.host = wildcard ? (config_.media.public_ip.find(':') != std::string::npos
                           ? "[" + config_.media.public_ip + "]"
                           : config_.media.public_ip)
                    : host_of(pbx_local_);
  c.port = pbx_local_.port;
  if (pbx_kind_ == TransportKind::kTcp) c.params.set("transport", "tcp");
  if (pbx_kind_ == TransportKind::kTls) c.params.set("transport", "tls");
  return c;
}

Status GatewayService::start_sip(std::ostream& out) {
  const SipConfig& s = config_.sip;
  pbx_kind_ = kind_of(s.transport);
  auto pbx = sip::parse_uri(s.pbx);
  if (!pbx) return keyed("sip.pbx", s.pbx, pbx.error().reason);
  if (pbx->transport().empty() && pbx_kind_ != TransportKind::kUdp &&
      pbx->scheme != sip::Uri::Scheme::kSips) {
    pbx->params.set("transport", pbx_kind_ == TransportKind::kTcp ? "tcp" : "tls");
  }
  auto dns = sip::DnsResolver::create(io_, {});
  if (!dns) return Error{"DNS resolver: " + dns.error().reason};
  dns_ = std::move(*dns);
  sip::TargetOptions targets;
  targets.transports = {pbx_kind_};
  resolver_ = std::make_unique<sip::TargetResolver>(io_, *dns_, targets);

  sip::UserAgentConfig uc;
  uc.next_hop = sip::ResolvingNextHop(*resolver_, opener_);
  uc.credentials = store_.lookup();
  uc.contact = [this](const sip::Flow& flow) {
    if (flow.kind == TransportKind::kWs || flow.kind == TransportKind::kWss) {
      sip::Uri c;
      c.user = "tandem";
      c.host = host_of(flow.local);
      c.port = flow.local.port;
      c.params.set("transport", flow.kind == TransportKind::kWs ? "ws" : "wss");
      return c;
    }
    return our_contact("tandem");
  };
  if (!s.outbound_proxy.empty()) {
    auto proxy = sip::parse_uri(s.outbound_proxy);
    if (!proxy) return keyed("sip.outbound_proxy", s.outbound_proxy, proxy.error().reason);
    uc.outbound_proxy = *proxy;
  }
  ua_ = std::make_unique<sip::UserAgent>(io_, std::move(uc), core_);
  if (auto t = open_pbx_transport(); !t) return t.error();

  // One AOR domain for registrations and calls (docs/configuration.md: the PBX's host by default).
  const std::string domain = s.domain.empty() ? pbx->host : s.domain;
  gateway::RelaySettings rs;
  rs.domain = domain;
  rs.pbx = *pbx;
  rs.our_contact = [this](const std::string& user) { return our_contact(user); };
  relay_ = std::make_unique<gateway::RegistrationRelay>(*ua_, std::move(rs));
  start_calls(*pbx, domain);
  core_.attach(*ua_, *relay_, calls_.get());
  out << "listening " << sip::transport_name(pbx_kind_) << ":" << pbx_local_.to_string()
      << " (SIP toward the PBX " << s.pbx << ")\n";
  spdlog::info("SIP toward the PBX {} over {} from {}; registering browsers as {}@{}", s.pbx,
               to_string(s.transport), pbx_local_.to_string(), "<user>-<flow>",
               our_contact("").host);
  return Ok{};
}

void GatewayService::start_calls(const sip::Uri& pbx, const std::string& domain) {
  gateway::CallSettings cs;
  cs.pbx_uri = pbx;
  cs.domain = domain;
  cs.translator.pbx_codecs.clear();
  for (const std::string& name : config_.codecs.order) {
    if (name == "opus") cs.translator.pbx_codecs.push_back({"opus", 48000, 2});
    if (name == "pcmu") cs.translator.pbx_codecs.push_back({"PCMU", 8000, std::nullopt});
    if (name == "pcma") cs.translator.pbx_codecs.push_back({"PCMA", 8000, std::nullopt});
    if (name == "g722") {
      spdlog::warn("codecs.order: g722 is not supported yet (no G.722 transcoder); left out");
    }
  }
  cs.translator.transcoding = config_.codecs.transcoding;
  calls_ = std::make_unique<gateway::CallManager>(*ua_, *media_plane_, std::move(cs));
}

Status GatewayService::open_pbx_transport() {
  const SipConfig& s = config_.sip;
  auto local = parse_address("sip.local_address", s.local_address, pbx_kind_);
  if (!local) return local.error();
  const auto failed = [&](const Error& e) {
    return keyed("sip.local_address", s.local_address, e.reason);
  };
  switch (pbx_kind_) {
    case TransportKind::kUdp: {
      auto t = sip::UdpTransport::open(io_, *local, ua_->layer());
      if (!t) return failed(t.error());
      udp_ = std::move(*t);
      ua_->layer().add_transport(*udp_);
      opener_.set_udp(udp_.get());
      pbx_local_ = udp_->local_address();
      return Ok{};
    }
    case TransportKind::kTcp: {
      auto t = sip::TcpTransport::listen(io_, *local, ua_->layer());
      if (!t) return failed(t.error());
      tcp_ = std::move(*t);
      ua_->layer().add_transport(*tcp_);
      opener_.set_tcp(tcp_.get());
      pbx_local_ = tcp_->local_address();
      return Ok{};
    }
    default: {
      const ListenConfig& l = config_.listen;
      auto identity = l.tls_certificate.empty()
                          ? sip::TlsIdentity::generate("tandem")
                          : sip::TlsIdentity::from_pem_files(l.tls_certificate, l.tls_private_key);
      if (!identity)
        return keyed("listen.tls_certificate", l.tls_certificate, identity.error().reason);
      auto server = sip::make_tls_server_context(*identity);
      sip::TlsClientOptions co;
      if (!s.tls_ca_file.empty()) {
        auto pem = gateway::read_small_file(s.tls_ca_file);
        if (!pem) return keyed("sip.tls_ca_file", s.tls_ca_file, pem.error().reason);
        co.trusted_pem = std::move(*pem);
      }
      auto client = sip::make_tls_client_context(co);
      if (!server) return Error{"TLS server context: " + server.error().reason};
      if (!client) return keyed("sip.tls_ca_file", s.tls_ca_file, client.error().reason);
      sip::TlsOptions options;
      options.client_context = *client;
      auto t = sip::TlsTransport::listen(io_, *local, ua_->layer(), *server, options);
      if (!t) return failed(t.error());
      tls_ = std::move(*t);
      ua_->layer().add_transport(*tls_);
      opener_.set_tls(tls_.get());
      pbx_local_ = tls_->local_address();
      return Ok{};
    }
  }
}

sip::WsOptions GatewayService::ws_options() {
  sip::WsOptions o;
  o.authorize = [this](const sip::WsUpgradeRequest& request) {
    if (shutting_down_) return sip::WsUpgradeVerdict::refuse(503, "shutting down\n");
    const std::string_view target(request.target().data(), request.target().size());
    const auto authorization = request[boost::beast::http::field::authorization];
    const gateway::RequestAuth auth = gateway::authenticate_request(
        *verifier_, target, std::string_view(authorization.data(), authorization.size()),
        gateway::WallClock::now());
    if (!auth.result) {
      spdlog::warn("WebSocket upgrade refused (401) for {}: {}", sip::redact_target(target),
                   auth.result.rejection().describe());
      return sip::WsUpgradeVerdict::refuse(401, gateway::rejection_json(auth.result.rejection()));
    }
    spdlog::info("WebSocket upgrade accepted for {}", auth.result.identity().subject);
    return sip::WsUpgradeVerdict::accept(
        gateway::GatewayCore::make_identity(auth.result.identity()));
  };
  o.http_fallback = make_ws_http_handler(router_, [this] { return shutting_down_; });
  o.on_connection_closed = [this](const sip::Flow& flow) { core_.on_connection_closed(flow); };
  return o;
}

Status GatewayService::start_browser_listeners(std::ostream& out) {
  const ListenConfig& l = config_.listen;
  if (!l.ws.empty()) {
    auto local = parse_address("listen.ws", l.ws, TransportKind::kWs);
    if (!local) return local.error();
    auto t = sip::WsTransport::listen(io_, *local, ua_->layer(), ws_options());
    if (!t) return keyed("listen.ws", l.ws, t.error().reason);
    ws_ = std::move(*t);
    ua_->layer().add_transport(*ws_);
    core_.add_browser_transport(*ws_);
    out << "listening WS:" << ws_->local_address().to_string()
        << " (SIP over WebSocket and the HTTP API)\n";
  }
  if (!l.wss.empty()) {
    auto local = parse_address("listen.wss", l.wss, TransportKind::kWss);
    if (!local) return local.error();
    auto identity = sip::TlsIdentity::from_pem_files(l.tls_certificate, l.tls_private_key);
    if (!identity)
      return keyed("listen.tls_certificate", l.tls_certificate, identity.error().reason);
    auto context = sip::make_tls_server_context(*identity);
    if (!context) return keyed("listen.tls_private_key", l.tls_private_key, context.error().reason);
    auto t = sip::WsTransport::listen_secure(io_, *local, ua_->layer(), *context, ws_options());
    if (!t) return keyed("listen.wss", l.wss, t.error().reason);
    wss_ = std::move(*t);
    ua_->layer().add_transport(*wss_);
    core_.add_browser_transport(*wss_);
    out << "listening WSS:" << wss_->local_address().to_string()
        << " (SIP over secure WebSocket and the HTTPS API)\n";
  }
  return Ok{};
}

int GatewayService::run() {
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (!ec) shutdown(signal);
  });
  for (auto& worker : workers_) worker->start();
  if (ice_tcp_) ice_tcp_->start();
  spdlog::info("tandem is running: {} media worker(s), {} PBX credential(s)", workers_.size(),
               store_.size());
  io_.run();
  spdlog::info("shutdown: stopped");
  return 0;
}

void GatewayService::shutdown(int signal) {
  spdlog::info("shutdown: signal {}; refusing new WebSocket connections and API requests", signal);
  shutting_down_ = true;
  signals_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    spdlog::warn("shutdown: second signal; stopping at once");
    stop();
  });
  if (!calls_) return unregister_then_stop();
  spdlog::info("shutdown: ending {} call(s)", calls_->active_calls());
  auto done = std::make_shared<bool>(false);
  shutdown_timer_.expires_after(kShutdownWait);
  shutdown_timer_.async_wait([this, done](const boost::system::error_code& ec) {
    if (ec || *done) return;
    *done = true;
    spdlog::warn("shutdown: calls not ended after {} s; going on", kShutdownWait.count());
    unregister_then_stop();
  });
  calls_->end_all_calls([this, done] {
    if (*done) return;
    *done = true;
    shutdown_timer_.cancel();
    spdlog::info("shutdown: all calls ended");
    unregister_then_stop();
  });
}

void GatewayService::unregister_then_stop() {
  relay_->unregister_all(kShutdownWait, [this] {
    spdlog::info("shutdown: registrations removed from the PBX");
    // Let the last responses and TCP/TLS writes go out before the loop stops.
    shutdown_timer_.expires_after(std::chrono::milliseconds(200));
    shutdown_timer_.async_wait([this](const boost::system::error_code&) { stop(); });
  });
}

void GatewayService::stop() {
  if (ice_tcp_) ice_tcp_->stop();
  for (auto& worker : workers_) worker->stop();
  io_.stop();
}

}  // namespace tandem::app
