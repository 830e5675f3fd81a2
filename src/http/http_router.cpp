#include "http/http_router.hpp"

#include <utility>

namespace tandem::http {

std::string json_quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

void HttpRouter::add(std::string method, std::string path, Handler handler) {
  routes_.push_back({std::move(method), std::move(path), false, std::move(handler)});
}

void HttpRouter::add_prefix(std::string method, std::string prefix, Handler handler) {
  routes_.push_back({std::move(method), std::move(prefix), true, std::move(handler)});
}

void HttpRouter::dispatch(const HttpRequest& request, Reply reply) const {
  const Route* best = nullptr;
  std::string allow;
  auto consider = [&](const Route& r) {
    const bool matches =
        r.prefix ? request.path.compare(0, r.path.size(), r.path) == 0 : request.path == r.path;
    if (!matches) return;
    if (r.method != request.method) {
      if (allow.find(r.method) == std::string::npos)
        allow += (allow.empty() ? "" : ", ") + r.method;
      return;
    }
    if (best == nullptr || (best->prefix && !r.prefix) ||
        (best->prefix == r.prefix && r.path.size() > best->path.size())) {
      best = &r;
    }
  };
  for (const Route& r : routes_) consider(r);
  if (best != nullptr) {
    best->handler(request, std::move(reply));
    return;
  }
  if (!allow.empty()) {
    HttpResponse r =
        HttpResponse::json(405, "{\"error\": " + json_quote("method not allowed") + "}");
    r.headers.emplace_back("Allow", allow);
    reply(std::move(r));
    return;
  }
  reply(
      HttpResponse::json(404, "{\"error\": " + json_quote("no such path: " + request.path) + "}"));
}

}  // namespace tandem::http
