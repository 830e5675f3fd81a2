// Authentication header values (RFC 3261 §25: WWW-Authenticate, Proxy-Authenticate,
// Authorization, Proxy-Authorization, Authentication-Info) and Digest views over them (RFC 7616
// directives, MD5 and SHA-256 alike).
//
// The whole header value is parsed at once: its commas separate auth-params, not list elements.
// Error reasons name parameters but never quote their values, since values are credentials.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace tandem::sip {

// auth-param = name EQUAL ( token / quoted-string )
struct AuthParam {
  std::string name;
  std::string value;    // unquoted, quoted-pairs resolved
  bool quoted = false;  // written as a quoted-string

  bool operator==(const AuthParam&) const = default;
};

// scheme LWS auth-param *( COMMA auth-param ), for any scheme (Digest, Basic, NewAuth, ...).
struct AuthHeader {
  std::string scheme;
  std::vector<AuthParam> params;

  // First parameter of that name, compared case-insensitively; null when absent.
  const AuthParam* find(std::string_view name) const;
  std::optional<std::string> get(std::string_view name) const;
  // `Scheme a=b, c="d"`. Values are quoted when they were, or when they are not tokens;
  // control characters other than HTAB are dropped so the output cannot break the header.
  std::string to_string() const;

  bool operator==(const AuthHeader&) const = default;
};

Result<AuthHeader> parse_auth_header(std::string_view value);
// auth-params without a scheme, as in Authentication-Info. At least one is required.
Result<std::vector<AuthParam>> parse_auth_params(std::string_view value);
// `a=b, c="d"` with the same quoting rules as AuthHeader::to_string().
std::string format_auth_params(const std::vector<AuthParam>& params);

// A Digest challenge (WWW-Authenticate / Proxy-Authenticate).
struct DigestChallenge {
  std::string realm;
  std::string nonce;
  std::string opaque;
  std::string algorithm = "MD5";  // as written, e.g. "SHA-256", "MD5-sess"
  std::vector<std::string> qop;   // from qop="auth,auth-int"
  bool stale = false;
  std::vector<std::string> domain;  // space-separated URIs
  bool userhash = false;

  bool operator==(const DigestChallenge&) const = default;
};

// Errors when the scheme is not Digest, realm or nonce is missing, or a directive repeats.
// Unknown directives are ignored.
Result<DigestChallenge> digest_challenge(const AuthHeader& header);
// realm, domain, nonce, opaque, stale, algorithm, qop, userhash; empty or false ones are left out.
AuthHeader to_auth_header(const DigestChallenge& challenge);

// Digest credentials (Authorization / Proxy-Authorization).
struct DigestCredentials {
  std::string username;  // decoded from RFC 7616 `username*` when that form is used
  std::string realm;
  std::string nonce;
  std::string uri;
  std::string response;
  std::string algorithm;  // as written; empty when absent (which means MD5)
  std::string cnonce;
  std::string opaque;
  std::string qop;  // the single qop chosen, e.g. "auth"
  std::string nc;   // 8 hex digits, as written
  bool userhash = false;

  bool operator==(const DigestCredentials&) const = default;
};

// Errors when the scheme is not Digest, a required directive (username, realm, nonce, uri,
// response) is missing, a directive repeats, or qop is present without cnonce or with an nc that
// is not 8 hex digits.
Result<DigestCredentials> digest_credentials(const AuthHeader& header);
// qop, nc, algorithm and userhash unquoted, the rest quoted; empty optional ones are left out.
AuthHeader to_auth_header(const DigestCredentials& credentials);

}  // namespace tandem::sip
