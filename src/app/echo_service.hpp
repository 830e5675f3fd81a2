// The pre-call echo service's HTTP side: POST /api/echo (SDP offer in, answer out, the session on
// a media worker), DELETE /api/echo/<worker>/<id>, GET /api/echo/stats and the /precall/ page.
// Used by `tandem echo` and by the gateway (`tandem --config`), which share the workers with
// calls. Signaling thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <memory>
#include <vector>

#include "http/http_router.hpp"
#include "http/static_files.hpp"
#include "ice/endpoint.hpp"
#include "media/ice_tcp_acceptor.hpp"
#include "media/media_worker.hpp"

namespace tandem::app {

class EchoService {
 public:
  // All referenced objects outlive this. `tcp` may be null (no ICE-TCP); `tcp_candidates` are
  // its announced addresses, added to every answer.
  EchoService(boost::asio::io_context& io,
              std::vector<std::unique_ptr<media::MediaWorker>>& workers,
              const std::vector<ice::Endpoint>& tcp_candidates, const media::IceTcpAcceptor* tcp,
              const std::filesystem::path& web_dir);
  ~EchoService();
  EchoService(const EchoService&) = delete;
  EchoService& operator=(const EchoService&) = delete;

  // Registers the echo API and the /precall/ page (and / redirecting to it).
  void add_routes(http::HttpRouter& router);

 private:
  void post_offer(const http::HttpRequest& request, http::Reply reply);
  void delete_session(const http::HttpRequest& request, const http::Reply& reply);
  void get_stats(http::Reply reply);

  boost::asio::io_context& io_;
  std::vector<std::unique_ptr<media::MediaWorker>>& workers_;
  const media::IceTcpAcceptor* tcp_;
  const std::vector<ice::Endpoint>& tcp_candidates_;
  std::unique_ptr<http::StaticFiles> files_;
  size_t next_worker_ = 0;
};

}  // namespace tandem::app
