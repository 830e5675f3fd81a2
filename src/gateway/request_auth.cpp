#include "gateway/request_auth.hpp"

#include <nlohmann/json.hpp>

#include "common/text.hpp"

namespace tandem::gateway {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  const char l = ascii_lower(c);
  if (l >= 'a' && l <= 'f') return l - 'a' + 10;
  return -1;
}

// application/x-www-form-urlencoded value decoding; empty optional on a bad %-escape.
std::optional<std::string> form_decode(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '+') {
      out += ' ';
    } else if (v[i] != '%') {
      out += v[i];
    } else {
      if (i + 2 >= v.size()) return std::nullopt;
      const int hi = hex_value(v[i + 1]);
      const int lo = hex_value(v[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
  }
  return out;
}

std::optional<std::string> query_token(std::string_view target) {
  const size_t q = target.find('?');
  std::string_view query = q == std::string_view::npos ? target : target.substr(q + 1);
  if (q == std::string_view::npos && !target.empty() && target.front() == '/') return std::nullopt;
  query = query.substr(0, query.find('#'));
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    if (eq != std::string_view::npos && (name == "token" || name == "access_token")) {
      auto value = form_decode(pair.substr(eq + 1));
      if (value && !value->empty()) return value;
      return std::nullopt;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> find_request_token(std::string_view target,
                                              std::string_view authorization) {
  const std::string_view auth = trim(authorization);
  if (auth.size() > 7 && iequals(auth.substr(0, 7), "bearer ")) {
    const std::string_view token = trim(auth.substr(7));
    if (!token.empty()) return std::string(token);
  }
  return query_token(target);
}

RequestAuth authenticate_request(const TokenVerifier& verifier, std::string_view target,
                                 std::string_view authorization, WallTime now) {
  const auto token = find_request_token(target, authorization);
  TokenResult result = token ? verifier.verify(*token, now)
                             : TokenResult(TokenRejection{TokenFailure::kMissing,
                                                          "send the token as Authorization: "
                                                          "Bearer or as ?token="});
  if (result) return RequestAuth{std::move(result), 200, {}};
  // RFC 6750 §3.1: no error attribute when the request carried no token at all.
  std::string challenge = "Bearer realm=\"tandem\"";
  if (result.rejection().failure != TokenFailure::kMissing) {
    challenge += ", error=\"invalid_token\", error_description=\"" +
                 std::string(reason_code(result.rejection().failure)) + "\"";
  }
  return RequestAuth{std::move(result), 401, std::move(challenge)};
}

std::string rejection_json(const TokenRejection& rejection) {
  return nlohmann::json{{"error", std::string(reason_code(rejection.failure))},
                        {"detail", rejection.detail}}
      .dump();
}

}  // namespace tandem::gateway
