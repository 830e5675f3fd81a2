#include "sip/auth_header.hpp"

#include <initializer_list>

#include "common/text.hpp"
#include "sip/grammar.hpp"

namespace tandem::sip {
namespace {

Error error_at(const Scanner& s, std::string reason) {
  Error e{std::move(reason)};
  e.column = static_cast<uint32_t>(s.pos() + 1);
  return e;
}

bool is_ctl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t') || u == 0x7f;
}

bool has_ctl(std::string_view text) {
  for (char c : text) {
    if (is_ctl(c)) return true;
  }
  return false;
}

// name EQUAL ( token / quoted-string ). Reasons name the parameter, never its value.
Result<AuthParam> read_auth_param(Scanner& s) {
  const std::string_view name = s.token();
  if (name.empty()) return error_at(s, "expected an auth-param name");
  AuthParam param{std::string(name), {}, false};
  if (!s.consume_sep('=')) {
    s.skip_ws();
    if (is_token_char(s.peek())) {
      return error_at(s, "expected '=' after '" + param.name +
                             "' (several challenges in one header value are not supported)");
    }
    return error_at(s, "expected '=' after auth-param '" + param.name + "'");
  }
  if (s.peek() == '"') {
    if (!s.quoted_string(param.value)) {
      return error_at(s, "unterminated quoted string in auth-param '" + param.name + "'");
    }
    if (has_ctl(param.value)) {
      return error_at(s, "control character in auth-param '" + param.name + "'");
    }
    param.quoted = true;
    return param;
  }
  param.value = s.token();
  if (param.value.empty()) {
    return error_at(s, "auth-param '" + param.name + "' needs a token or quoted-string value");
  }
  return param;
}

// auth-param *( COMMA auth-param ). Empty list elements (`a=1,,b=2`) are skipped, as RFC 7230
// §7 asks of recipients.
Status read_auth_params(Scanner& s, std::vector<AuthParam>& out) {
  bool need_comma = false;
  for (;;) {
    s.skip_ws();
    if (s.at_end()) break;
    if (s.consume(',')) {
      need_comma = false;
      continue;
    }
    if (need_comma) return error_at(s, "expected ',' after auth-param '" + out.back().name + "'");
    auto param = read_auth_param(s);
    if (!param) return param.error();
    out.push_back(std::move(*param));
    need_comma = true;
  }
  if (out.empty()) return error_at(s, "expected at least one auth-param");
  return Ok{};
}

void append_quoted(std::string& out, std::string_view value) {
  out.push_back('"');
  for (char c : value) {
    if (is_ctl(c)) continue;
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_params(std::string& out, const std::vector<AuthParam>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    if (i > 0) out += ", ";
    out += params[i].name;
    out.push_back('=');
    if (params[i].quoted || !is_token(params[i].value)) {
      append_quoted(out, params[i].value);
    } else {
      out += params[i].value;
    }
  }
}

// ---- Digest helpers ----

Status require_digest(const AuthHeader& h) {
  if (iequals(h.scheme, "Digest")) return Ok{};
  return Error{"authentication scheme is '" + h.scheme + "', expected 'Digest'"};
}

Status require_unique(const AuthHeader& h, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    int count = 0;
    for (const AuthParam& p : h.params) count += iequals(p.name, name) ? 1 : 0;
    if (count > 1) return Error{"Digest directive '" + std::string(name) + "' appears twice"};
  }
  return Ok{};
}

Status require_present(const AuthHeader& h, std::string_view what,
                       std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (h.find(name) == nullptr) {
      return Error{std::string(what) + " lack the required '" + std::string(name) + "'"};
    }
  }
  return Ok{};
}

// Splits at any of `separators`, dropping empty pieces.
std::vector<std::string> split(std::string_view text, std::string_view separators) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(separators, start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string value_of(const AuthHeader& h, std::string_view name) {
  const AuthParam* p = h.find(name);
  return p != nullptr ? p->value : std::string();
}

bool flag_of(const AuthHeader& h, std::string_view name) {
  const AuthParam* p = h.find(name);
  return p != nullptr && iequals(p->value, "true");
}

void add(AuthHeader& h, std::string_view name, std::string value, bool quoted) {
  h.params.push_back(AuthParam{std::string(name), std::move(value), quoted});
}

void add_if(AuthHeader& h, std::string_view name, const std::string& value, bool quoted) {
  if (!value.empty()) add(h, name, value, quoted);
}

// RFC 8187 ext-value as used by `username*`: UTF-8'[language]'pct-encoded.
std::optional<std::string> decode_ext_value(std::string_view text) {
  const size_t first = text.find('\'');
  if (first == std::string_view::npos || !iequals(text.substr(0, first), "UTF-8")) {
    return std::nullopt;
  }
  const size_t second = text.find('\'', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const std::string_view encoded = text.substr(second + 1);
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] != '%') continue;
    if (i + 2 >= encoded.size() || !is_hex_digit(encoded[i + 1]) || !is_hex_digit(encoded[i + 2])) {
      return std::nullopt;
    }
  }
  std::string decoded = unescape(encoded);
  if (has_ctl(decoded)) return std::nullopt;
  return decoded;
}

Status read_username(const AuthHeader& h, std::string& username) {
  const AuthParam* plain = h.find("username");
  const AuthParam* extended = h.find("username*");
  if (plain != nullptr && extended != nullptr) {
    return Error{"Digest credentials carry both 'username' and 'username*'"};
  }
  if (plain != nullptr) {
    username = plain->value;
    return Ok{};
  }
  if (extended == nullptr) return Error{"Digest credentials lack the required 'username'"};
  auto decoded = decode_ext_value(extended->value);
  if (!decoded) return Error{"Digest 'username*' is not a valid UTF-8 ext-value"};
  username = std::move(*decoded);
  return Ok{};
}

bool is_nonce_count(std::string_view nc) {
  if (nc.size() != 8) return false;
  for (char c : nc) {
    if (!is_hex_digit(c)) return false;
  }
  return true;
}

Status check_qop_fields(const DigestCredentials& c) {
  if (c.qop.empty()) return Ok{};
  if (!is_token(c.qop)) return Error{"Digest credentials must name a single 'qop' value"};
  if (c.cnonce.empty()) return Error{"Digest credentials with 'qop' lack the required 'cnonce'"};
  if (!is_nonce_count(c.nc)) return Error{"Digest 'nc' must be 8 hex digits when 'qop' is present"};
  return Ok{};
}

}  // namespace

const AuthParam* AuthHeader::find(std::string_view name) const {
  for (const AuthParam& p : params) {
    if (iequals(p.name, name)) return &p;
  }
  return nullptr;
}

std::optional<std::string> AuthHeader::get(std::string_view name) const {
  const AuthParam* p = find(name);
  if (p == nullptr) return std::nullopt;
  return p->value;
}

std::string AuthHeader::to_string() const {
  std::string out = scheme;
  if (!params.empty()) out.push_back(' ');
  append_params(out, params);
  return out;
}

Result<AuthHeader> parse_auth_header(std::string_view value) {
  Scanner s(value);
  s.skip_ws();
  AuthHeader header;
  header.scheme = s.token();
  if (header.scheme.empty()) {
    return error_at(s, "expected an authentication scheme such as 'Digest'");
  }
  if (!s.at_end() && s.peek() != ' ' && s.peek() != '\t') {
    return error_at(s, "expected whitespace after the authentication scheme");
  }
  Status status = read_auth_params(s, header.params);
  if (!status) return status.error();
  return header;
}

Result<std::vector<AuthParam>> parse_auth_params(std::string_view value) {
  Scanner s(value);
  std::vector<AuthParam> params;
  Status status = read_auth_params(s, params);
  if (!status) return status.error();
  return params;
}

std::string format_auth_params(const std::vector<AuthParam>& params) {
  std::string out;
  append_params(out, params);
  return out;
}

// ---- Digest challenge ----

Result<DigestChallenge> digest_challenge(const AuthHeader& h) {
  if (Status st = require_digest(h); !st) return st.error();
  if (Status st = require_unique(
          h, {"realm", "nonce", "opaque", "algorithm", "qop", "stale", "domain", "userhash"});
      !st) {
    return st.error();
  }
  if (Status st = require_present(h, "Digest challenges", {"realm", "nonce"}); !st) {
    return st.error();
  }
  DigestChallenge c;
  c.realm = value_of(h, "realm");
  c.nonce = value_of(h, "nonce");
  c.opaque = value_of(h, "opaque");
  if (const AuthParam* algorithm = h.find("algorithm")) c.algorithm = algorithm->value;
  c.qop = split(value_of(h, "qop"), ", \t");
  c.stale = flag_of(h, "stale");
  c.domain = split(value_of(h, "domain"), " \t");
  c.userhash = flag_of(h, "userhash");
  return c;
}

AuthHeader to_auth_header(const DigestChallenge& c) {
  AuthHeader h{"Digest", {}};
  add(h, "realm", c.realm, true);
  if (!c.domain.empty()) add(h, "domain", join(c.domain, " "), true);
  add(h, "nonce", c.nonce, true);
  add_if(h, "opaque", c.opaque, true);
  if (c.stale) add(h, "stale", "true", false);
  add_if(h, "algorithm", c.algorithm, false);
  // qop-options is a quoted list in challenges (unlike the single unquoted qop in credentials).
  if (!c.qop.empty()) add(h, "qop", join(c.qop, ","), true);
  if (c.userhash) add(h, "userhash", "true", false);
  return h;
}

// ---- Digest credentials ----

Result<DigestCredentials> digest_credentials(const AuthHeader& h) {
  if (Status st = require_digest(h); !st) return st.error();
  if (Status st = require_unique(h, {"username", "username*", "realm", "nonce", "uri", "response",
                                     "algorithm", "cnonce", "opaque", "qop", "nc", "userhash"});
      !st) {
    return st.error();
  }
  DigestCredentials c;
  if (Status st = read_username(h, c.username); !st) return st.error();
  if (Status st = require_present(h, "Digest credentials", {"realm", "nonce", "uri", "response"});
      !st) {
    return st.error();
  }
  c.realm = value_of(h, "realm");
  c.nonce = value_of(h, "nonce");
  c.uri = value_of(h, "uri");
  c.response = value_of(h, "response");
  c.algorithm = value_of(h, "algorithm");
  c.cnonce = value_of(h, "cnonce");
  c.opaque = value_of(h, "opaque");
  c.qop = value_of(h, "qop");
  c.nc = value_of(h, "nc");
  c.userhash = flag_of(h, "userhash");
  if (Status st = check_qop_fields(c); !st) return st.error();
  return c;
}

AuthHeader to_auth_header(const DigestCredentials& c) {
  AuthHeader h{"Digest", {}};
  add(h, "username", c.username, true);
  add(h, "realm", c.realm, true);
  add(h, "nonce", c.nonce, true);
  add(h, "uri", c.uri, true);
  add(h, "response", c.response, true);
  add_if(h, "algorithm", c.algorithm, false);
  add_if(h, "cnonce", c.cnonce, true);
  add_if(h, "opaque", c.opaque, true);
  add_if(h, "qop", c.qop, false);
  add_if(h, "nc", c.nc, false);
  if (c.userhash) add(h, "userhash", "true", false);
  return h;
}

}  // namespace tandem::sip
