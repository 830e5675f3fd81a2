// Dispatches requests by method and path: exact paths first, then the longest matching prefix.
// 404 for an unknown path, 405 (with Allow) for a known path and another method.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/http_types.hpp"

namespace tandem::http {

class HttpRouter {
 public:
  void add(std::string method, std::string path, Handler handler);
  // Matches `prefix` and everything below it (prefix should end with '/').
  void add_prefix(std::string method, std::string prefix, Handler handler);
  void dispatch(const HttpRequest& request, Reply reply) const;

 private:
  struct Route {
    std::string method;
    std::string path;
    bool prefix = false;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace tandem::http
