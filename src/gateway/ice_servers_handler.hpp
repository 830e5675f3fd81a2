// GET /api/ice-servers: the browser presents its token (Authorization: Bearer or ?token=) and
// gets the STUN and TURN servers to use, with TURN REST credentials valid for `ttl`:
//   {"iceServers":[{"urls":[stun...]},{"urls":[turn...],"username":..,"credential":..}],"ttl":N}
// A refused token gets 401 and {"error":"<reason code>","detail":".."}: a browser cannot read
// why a WebSocket upgrade failed, so clients ask here first (DESIGN.md §1).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "gateway/token_verifier.hpp"
#include "http/http_router.hpp"
#include "http/http_types.hpp"

namespace tandem::gateway {

struct IceServersConfig {
  std::vector<std::string> stun_urls;  // "stun:host:port"
  std::vector<std::string> turn_urls;  // "turn:host:port?transport=udp", "turns:..."
  std::string turn_secret;             // coturn's static-auth-secret
  std::chrono::seconds credential_ttl{3600};
};

class IceServersHandler {
 public:
  static constexpr const char* kPath = "/api/ice-servers";

  IceServersHandler(const TokenVerifier& verifier, IceServersConfig config,
                    std::function<WallTime()> now)
      : verifier_(verifier), config_(std::move(config)), now_(std::move(now)) {}

  http::HttpResponse handle(const http::HttpRequest& request) const;

  // Registers GET kPath on `router`; the handler must outlive the router's use.
  void add_to(http::HttpRouter& router) const;

 private:
  const TokenVerifier& verifier_;
  IceServersConfig config_;
  std::function<WallTime()> now_;
};

}  // namespace tandem::gateway
