#include "http/beast_messages.hpp"

#include <string_view>
#include <utility>

#include "common/text.hpp"

namespace tandem::http {

namespace bhttp = boost::beast::http;

HttpRequest to_http_request(const BeastRequest& req, std::string remote) {
  HttpRequest request;
  request.method = std::string(req.method_string());
  const std::string_view target(req.target().data(), req.target().size());
  const size_t q = target.find('?');
  request.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) request.query = std::string(target.substr(q + 1));
  const auto type = req[bhttp::field::content_type];
  const std::string_view type_view(type.data(), type.size());
  request.content_type = to_lower(trim(type_view.substr(0, type_view.find(';'))));
  request.body = req.body();
  request.remote = std::move(remote);
  const auto authorization = req[bhttp::field::authorization];
  request.authorization.assign(authorization.data(), authorization.size());
  return request;
}

BeastResponse to_beast_response(HttpResponse response) {
  BeastResponse out;
  out.version(11);
  out.result(response.status);
  out.set(bhttp::field::server, "tandem");
  out.set(bhttp::field::content_type, response.content_type);
  out.set(bhttp::field::cache_control, "no-store");
  for (const auto& [name, value] : response.headers) out.set(name, value);
  out.body() = std::move(response.body);
  return out;
}

}  // namespace tandem::http
