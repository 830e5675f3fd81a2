// Serves GET /api/ice-servers from a Tandem configuration file on the real HTTP edge
// (HttpServer + HttpRouter + IceServersHandler), until SIGTERM, for the coturn interop test:
//   tandem_ice_servers_server <config.toml> <listen address:port>
// Prints "listening <address>:<port>" once bound.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <iostream>

#include "app/config_keys.hpp"
#include "app/config_loader.hpp"
#include "gateway/ice_servers_handler.hpp"
#include "http/http_router.hpp"
#include "http/http_server.hpp"

int main(int argc, char** argv) {
  using namespace tandem;
  if (argc != 3) {
    std::cerr << "usage: " << argv[0] << " <config.toml> <address:port>\n";
    return 2;
  }
  app::LoadedConfig loaded = app::load_config_file(argv[1]);
  const auto verifier = app::make_token_verifier(loaded.config.auth, loaded.errors);
  const std::string secret = app::load_turn_secret(loaded.config.turn, loaded.errors);
  if (!loaded.errors.empty() || !verifier) {
    for (const auto& e : loaded.errors) std::cerr << e.describe() << "\n";
    return 1;
  }
  gateway::IceServersConfig ice;
  ice.stun_urls = loaded.config.turn.stun;
  ice.turn_urls = loaded.config.turn.servers;
  ice.turn_secret = secret;
  ice.credential_ttl = loaded.config.turn.credential_ttl;
  const gateway::IceServersHandler handler(*verifier, ice,
                                           [] { return gateway::WallClock::now(); });
  http::HttpRouter router;
  handler.add_to(router);

  boost::asio::io_context io;
  auto server = http::HttpServer::create(io, argv[2],
                                         [&router](const http::HttpRequest& r, http::Reply reply) {
                                           router.dispatch(r, std::move(reply));
                                         });
  if (!server) {
    std::cerr << server.error().reason << "\n";
    return 1;
  }
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    (*server)->stop();
    io.stop();
  });
  (*server)->start();
  const auto local = (*server)->local_endpoint();
  std::cout << "listening " << local.address().to_string() << ":" << local.port() << std::endl;
  io.run();
  return 0;
}
