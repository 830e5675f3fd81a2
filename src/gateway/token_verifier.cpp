#include "gateway/token_verifier.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "gateway/base64.hpp"
#include "gateway/jws.hpp"

namespace tandem::gateway {

namespace {

using nlohmann::json;

// Numeric dates beyond this many seconds (2^53: exact in a double) are refused as malformed.
constexpr double kMaxNumericDate = 9007199254740992.0;
constexpr int64_t kLatestExpiry = 4102444800;  // 2100-01-01T00:00:00Z

TokenRejection reject(TokenFailure failure, std::string detail) {
  return TokenRejection{failure, std::move(detail)};
}

// A base64url segment holding a JSON object, or empty when it is not one.
std::optional<json> decode_object(std::string_view segment) {
  const auto raw = base64url_decode(segment);
  if (!raw) return std::nullopt;
  json j = json::parse(raw->begin(), raw->end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

// A NumericDate claim (RFC 7519 §2): seconds since the epoch, possibly fractional.
// Absent: nullopt in `out`; present but not a sane number: false.
bool numeric_date(const json& claims, const char* name, std::optional<int64_t>& out) {
  const auto it = claims.find(name);
  if (it == claims.end()) return true;
  if (!it->is_number()) return false;
  const double v = it->get<double>();
  if (!std::isfinite(v) || std::fabs(v) > kMaxNumericDate) return false;
  out = static_cast<int64_t>(std::floor(v));
  return true;
}

bool audience_matches(const json& aud, const std::string& ours) {
  if (aud.is_string()) return aud.get_ref<const std::string&>() == ours;
  if (!aud.is_array()) return false;
  return std::any_of(aud.begin(), aud.end(), [&](const json& a) {
    return a.is_string() && a.get_ref<const std::string&>() == ours;
  });
}

// `allow`: an array of non-empty strings. False when present with another shape.
bool parse_allow(const json& claims, std::optional<std::vector<std::string>>& out) {
  const auto it = claims.find("allow");
  if (it == claims.end()) return true;
  if (!it->is_array()) return false;
  std::vector<std::string> list;
  for (const json& entry : *it) {
    if (!entry.is_string() || entry.get_ref<const std::string&>().empty()) return false;
    list.push_back(entry.get<std::string>());
  }
  out = std::move(list);
  return true;
}

}  // namespace

std::string_view reason_code(TokenFailure failure) {
  switch (failure) {
    case TokenFailure::kMissing:
      return "missing_token";
    case TokenFailure::kMalformed:
      return "malformed";
    case TokenFailure::kUnsupportedAlgorithm:
      return "unsupported_alg";
    case TokenFailure::kBadSignature:
      return "bad_signature";
    case TokenFailure::kExpired:
      return "expired";
    case TokenFailure::kNotYetValid:
      return "not_yet_valid";
    case TokenFailure::kWrongAudience:
      return "wrong_audience";
    case TokenFailure::kMissingSubject:
      return "missing_sub";
  }
  return "unknown";
}

std::string TokenRejection::describe() const {
  return std::string(reason_code(failure)) + ": " + detail;
}

bool TokenIdentity::may_call(std::string_view destination) const {
  if (!allow) return true;
  return std::find(allow->begin(), allow->end(), destination) != allow->end();
}

Result<TokenVerifier> TokenVerifier::create(TokenVerifierConfig config) {
  if (config.keys.empty()) return Error{"no verification key configured"};
  for (size_t i = 0; i < config.keys.size(); ++i) {
    for (size_t j = i + 1; j < config.keys.size(); ++j) {
      if (config.keys[i].algorithm() == config.keys[j].algorithm()) {
        return Error{"two keys for " + std::string(to_string(config.keys[i].algorithm()))};
      }
    }
  }
  if (config.audience.empty()) return Error{"the audience must not be empty"};
  if (config.clock_skew.count() < 0) return Error{"the clock skew must not be negative"};
  return TokenVerifier(std::move(config));
}

const JwtKey* TokenVerifier::key_for(JwtAlgorithm alg) const {
  for (const JwtKey& key : config_.keys) {
    if (key.algorithm() == alg) return &key;
  }
  return nullptr;
}

TokenResult TokenVerifier::verify(std::string_view token, WallTime now) const {
  if (token.empty()) return reject(TokenFailure::kMissing, "no token");
  if (token.size() > config_.max_token_size) {
    return reject(TokenFailure::kMalformed,
                  "token longer than " + std::to_string(config_.max_token_size) + " bytes");
  }
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return reject(TokenFailure::kMalformed, "expected three dot-separated segments");
  }
  const auto header = decode_object(token.substr(0, dot1));
  if (!header) return reject(TokenFailure::kMalformed, "the header is not a base64url JSON object");
  const auto alg_it = header->find("alg");
  if (alg_it == header->end() || !alg_it->is_string()) {
    return reject(TokenFailure::kMalformed, "the header has no \"alg\" string");
  }
  const std::string& alg_name = alg_it->get_ref<const std::string&>();
  const auto alg = parse_jwt_algorithm(alg_name);
  const JwtKey* key = alg ? key_for(*alg) : nullptr;
  if (key == nullptr) {
    // Only printable, short names are echoed back; anything else is summarised.
    const bool printable =
        alg_name.size() <= 16 && std::all_of(alg_name.begin(), alg_name.end(),
                                             [](char c) { return c >= 0x21 && c <= 0x7e; });
    return reject(TokenFailure::kUnsupportedAlgorithm,
                  "alg " + (printable ? "\"" + alg_name + "\"" : std::string("(unprintable)")) +
                      " is not accepted here");
  }
  if (header->contains("crit")) {
    return reject(TokenFailure::kMalformed, "the header has \"crit\" extensions we do not know");
  }
  const auto signature = base64url_decode(token.substr(dot2 + 1));
  if (!signature) return reject(TokenFailure::kMalformed, "the signature is not base64url");
  if (!jws_verify(*key, token.substr(0, dot2), *signature)) {
    return reject(TokenFailure::kBadSignature,
                  "the " + std::string(to_string(*alg)) + " signature does not verify");
  }
  const auto claims = decode_object(token.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!claims)
    return reject(TokenFailure::kMalformed, "the payload is not a base64url JSON object");

  std::optional<int64_t> exp, nbf, iat;
  if (!numeric_date(*claims, "exp", exp) || !numeric_date(*claims, "nbf", nbf) ||
      !numeric_date(*claims, "iat", iat)) {
    return reject(TokenFailure::kMalformed, "exp, nbf and iat must be numbers of seconds");
  }
  if (!exp) return reject(TokenFailure::kMalformed, "the token has no \"exp\" claim");
  const int64_t t =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const int64_t skew = config_.clock_skew.count();
  if (t >= *exp + skew) {
    return reject(TokenFailure::kExpired,
                  "expired " + std::to_string(t - *exp) +
                      " s ago (clock skew allowed: " + std::to_string(skew) + " s)");
  }
  for (const auto& [name, value] : {std::pair{"nbf", nbf}, std::pair{"iat", iat}}) {
    if (value && t + skew < *value) {
      return reject(TokenFailure::kNotYetValid,
                    std::string(name) + " is " + std::to_string(*value - t) +
                        " s in the future (clock skew allowed: " + std::to_string(skew) + " s)");
    }
  }
  const auto aud = claims->find("aud");
  if (aud == claims->end()) return reject(TokenFailure::kWrongAudience, "the token has no \"aud\"");
  if (!audience_matches(*aud, config_.audience)) {
    return reject(TokenFailure::kWrongAudience, "\"aud\" does not name this gateway");
  }
  const auto sub = claims->find("sub");
  if (sub == claims->end() || !sub->is_string() || sub->get_ref<const std::string&>().empty()) {
    return reject(TokenFailure::kMissingSubject, "the token has no \"sub\" string");
  }
  TokenIdentity identity;
  if (!parse_allow(*claims, identity.allow)) {
    return reject(TokenFailure::kMalformed, "\"allow\" must be an array of non-empty strings");
  }
  identity.subject = sub->get<std::string>();
  // Clamped so that the conversion to the clock's nanoseconds cannot overflow (year 2262).
  identity.expires = WallTime(std::chrono::seconds(std::min<int64_t>(*exp, kLatestExpiry)));
  identity.algorithm = *alg;
  return identity;
}

}  // namespace tandem::gateway
