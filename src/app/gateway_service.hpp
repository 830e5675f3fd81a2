// `tandem --config`: the running gateway built from a validated Config. It binds every listener
// at creation (so a busy port or a bad certificate is a start-up error naming the key), then
// runs the signaling thread until SIGTERM/SIGINT and shuts down gracefully: new WebSocket
// connections and API requests are refused (503), calls are ended, every registration is
// removed from the PBX (bounded wait), and the process exits 0.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <iosfwd>
#include <memory>
#include <optional>
#include <vector>

#include "app/config.hpp"
#include "app/echo_service.hpp"
#include "app/web_routes.hpp"
#include "common/result.hpp"
#include "gateway/call_handler.hpp"
#include "gateway/call_manager.hpp"
#include "gateway/credential_store.hpp"
#include "gateway/gateway_core.hpp"
#include "gateway/ice_servers_handler.hpp"
#include "gateway/registration_relay.hpp"
#include "gateway/token_verifier.hpp"
#include "gateway/worker_media_plane.hpp"
#include "http/http_router.hpp"
#include "media/ice_tcp_acceptor.hpp"
#include "media/media_worker.hpp"
#include "sip/dns_resolver.hpp"
#include "sip/next_hop.hpp"
#include "sip/target_resolver.hpp"
#include "sip/tcp_transport.hpp"
#include "sip/tls_transport.hpp"
#include "sip/udp_transport.hpp"
#include "sip/user_agent.hpp"
#include "sip/ws_transport.hpp"

namespace tandem::app {

class GatewayService {
 public:
  // Everything created and bound; the listening addresses are printed to `out`.
  static Result<std::unique_ptr<GatewayService>> create(const Config& config, std::ostream& out);
  ~GatewayService();
  GatewayService(const GatewayService&) = delete;
  GatewayService& operator=(const GatewayService&) = delete;

  // Runs until a signal and the graceful shutdown that follows. Exit status 0.
  int run();

 private:
  explicit GatewayService(const Config& config);
  Status start_media();
  Status start_sip(std::ostream& out);
  void start_calls(const sip::Uri& pbx, const std::string& domain);
  Status start_browser_listeners(std::ostream& out);
  Status open_pbx_transport();
  sip::WsOptions ws_options();
  sip::Uri our_contact(const std::string& user) const;
  void shutdown(int signal);
  void unregister_then_stop();
  void stop();

  Config config_;
  boost::asio::io_context io_;
  std::optional<gateway::TokenVerifier> verifier_;
  gateway::CredentialStore store_;
  // Media: one worker per core (or media.workers), the shared ICE-TCP port.
  std::vector<std::unique_ptr<media::MediaWorker>> workers_;
  std::unique_ptr<media::IceTcpAcceptor> ice_tcp_;
  std::vector<ice::Endpoint> tcp_candidates_;
  std::unique_ptr<gateway::WorkerMediaPlane> media_plane_;  // calls' media on the workers
  // The HTTP API on the WebSocket port.
  http::HttpRouter router_;
  std::unique_ptr<gateway::IceServersHandler> ice_servers_;
  std::unique_ptr<WebRoutes> web_;  // listen.web_root at "/", demo mode's /api/demo
  std::unique_ptr<EchoService> echo_;
  // SIP.
  std::unique_ptr<sip::DnsResolver> dns_;
  std::unique_ptr<sip::TargetResolver> resolver_;
  sip::TransportFlowOpener opener_;
  sip::TransportKind pbx_kind_ = sip::TransportKind::kUdp;
  sip::PeerAddress pbx_local_;  // where our PBX-side transport listens
  gateway::GatewayCore core_;
  std::unique_ptr<sip::UserAgent> ua_;
  std::unique_ptr<gateway::RegistrationRelay> relay_;
  std::unique_ptr<gateway::CallManager> calls_;
  // Transports last: they deliver into the user agent, so they go first.
  std::unique_ptr<sip::UdpTransport> udp_;
  std::unique_ptr<sip::TcpTransport> tcp_;
  std::unique_ptr<sip::TlsTransport> tls_;
  std::unique_ptr<sip::WsTransport> ws_;
  std::unique_ptr<sip::WsTransport> wss_;
  boost::asio::signal_set signals_{io_};
  boost::asio::steady_timer shutdown_timer_{io_};
  bool shutting_down_ = false;
};

}  // namespace tandem::app
