// The plain request/response values the HTTP edge hands to route handlers. Handlers answer
// through a Reply, which may be called later (after a media worker posted back), exactly once,
// on the signaling thread.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace tandem::http {

struct HttpRequest {
  std::string method;        // "GET", "POST", ...
  std::string path;          // target without the query string
  std::string query;         // after '?', may be empty
  std::string content_type;  // media type without parameters, lower-case
  std::string body;
  std::string remote;         // "ip:port" of the client
  std::string authorization;  // the Authorization field as received (token checks), may be empty
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra fields, e.g. Location

  static HttpResponse text(unsigned status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  static HttpResponse json(unsigned status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.content_type = "application/json";
    r.body = std::move(body);
    return r;
  }
  static HttpResponse redirect(std::string location) {
    HttpResponse r;
    r.status = 302;
    r.headers.emplace_back("Location", std::move(location));
    return r;
  }
};

using Reply = std::function<void(HttpResponse)>;
using Handler = std::function<void(const HttpRequest&, Reply)>;

// A minimal JSON string literal (quotes included) for error bodies built without a JSON library.
std::string json_quote(std::string_view text);

}  // namespace tandem::http
