// Conversions between Beast's messages and the plain HttpRequest/HttpResponse route handlers see,
// shared by the HTTP server's connections and the HTTP fallback of the SIP WebSocket listener.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "http/http_types.hpp"

namespace tandem::http {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Method, path and query split, media type without parameters (lower-case), body, Authorization.
HttpRequest to_http_request(const BeastRequest& request, std::string remote);

// Status, Server, Content-Type, Cache-Control: no-store (API answers must not be cached), the
// extra headers and the body. Keep-alive and Content-Length are the caller's.
BeastResponse to_beast_response(HttpResponse response);

}  // namespace tandem::http
