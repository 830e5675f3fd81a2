#include "sip/uri.hpp"

#include <string>

#include "common/text.hpp"
#include "sip/grammar.hpp"

namespace tandem::sip {
namespace {

bool in(char c, std::string_view set) {
  for (char x : set) {
    if (c == x) return true;
  }
  return false;
}

// Offset of the first character of `s` that is one of `set`, or s.size().
size_t find_any(std::string_view s, std::string_view set) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (in(s[i], set)) return i;
  }
  return s.size();
}

// Validates `s` as 1*(allowed / escaped); returns the offset of the first bad character or npos.
size_t find_invalid(std::string_view s, std::string_view extra) {
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || !is_hex_digit(s[i + 1]) || !is_hex_digit(s[i + 2])) return i;
      i += 2;
    } else if (!is_unreserved(c) && !in(c, extra)) {
      return i;
    }
  }
  return std::string_view::npos;
}

constexpr std::string_view kUserExtra = "&=+$,;?/";
constexpr std::string_view kPasswordExtra = "&=+$,";
constexpr std::string_view kParamExtra = "[]/:&+$";
constexpr std::string_view kHeaderExtra = "[]/?:+$";

Error at(size_t offset, std::string reason) {
  return Error{std::move(reason), 1, static_cast<uint32_t>(offset + 1)};
}

bool valid_hostname(std::string_view h) {
  if (h.empty()) return false;
  for (char c : h) {
    if (!is_alphanum(c) && c != '-' && c != '.') return false;
  }
  return true;
}

bool valid_ipv6_reference(std::string_view h) {
  if (h.size() < 4 || h.front() != '[' || h.back() != ']') return false;
  for (char c : h.substr(1, h.size() - 2)) {
    if (!is_hex_digit(c) && c != ':' && c != '.') return false;
  }
  return h.find(':') != std::string_view::npos;
}

// hostport at `offset` of `text`: host [":" port]. Fills view.host/port, returns chars consumed.
Result<size_t> parse_hostport(std::string_view text, size_t offset, UriView& view) {
  std::string_view rest = text.substr(offset);
  size_t host_end;
  if (!rest.empty() && rest.front() == '[') {
    host_end = rest.find(']');
    if (host_end == std::string_view::npos) return at(offset, "unterminated IPv6 reference");
    ++host_end;
    if (!valid_ipv6_reference(rest.substr(0, host_end))) {
      return at(offset, "malformed IPv6 reference");
    }
  } else {
    host_end = find_any(rest, ":;?");
    if (!valid_hostname(rest.substr(0, host_end))) {
      return at(offset, "malformed host '" + std::string(rest.substr(0, host_end)) + "'");
    }
  }
  view.host = rest.substr(0, host_end);
  size_t used = host_end;
  if (used < rest.size() && rest[used] == ':') {
    const size_t port_start = used + 1;
    const size_t port_end = port_start + find_any(rest.substr(port_start), ";?");
    auto port = parse_uint(rest.substr(port_start, port_end - port_start), 65535);
    if (!port) return at(offset + port_start, "port must be a number from 0 to 65535");
    view.port = static_cast<uint16_t>(*port);
    used = port_end;
  }
  return used;
}

// Checks ";name[=value]" parameters at `offset` up to "?" or the end. Returns chars consumed.
Result<size_t> check_uri_params(std::string_view text, size_t offset) {
  size_t i = offset;
  while (i < text.size() && text[i] == ';') {
    const size_t end = i + 1 + find_any(text.substr(i + 1), ";?");
    std::string_view item = text.substr(i + 1, end - i - 1);
    const size_t eq = item.find('=');
    std::string_view name = item.substr(0, eq);
    if (name.empty() || find_invalid(name, kParamExtra) != std::string_view::npos) {
      return at(i + 1, "malformed URI parameter name");
    }
    if (eq != std::string_view::npos) {
      std::string_view value = item.substr(eq + 1);
      const size_t bad = find_invalid(value, kParamExtra);
      if (value.empty() || bad != std::string_view::npos) {
        return at(i + 2 + eq + (value.empty() ? 0 : bad),
                  "malformed value of URI parameter '" + std::string(name) + "'");
      }
    }
    i = end;
  }
  return i - offset;
}

Status check_uri_headers(std::string_view text, size_t offset) {
  size_t i = offset;
  while (i <= text.size()) {
    size_t end = text.find('&', i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(i, end - i);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) return at(i, "URI header needs name=value");
    std::string_view name = item.substr(0, eq), value = item.substr(eq + 1);
    if (find_invalid(name, kHeaderExtra) != std::string_view::npos ||
        (!value.empty() && find_invalid(value, kHeaderExtra) != std::string_view::npos)) {
      return at(i, "malformed URI header '" + std::string(name) + "'");
    }
    i = end + 1;
  }
  return Ok{};
}

Status parse_sip_rest(std::string_view text, size_t offset, UriView& view) {
  // '@' never appears unescaped after the userinfo, so the first one ends it.
  const size_t at_sign = text.find('@', offset);
  size_t i = offset;
  if (at_sign != std::string_view::npos) {
    std::string_view userinfo = text.substr(offset, at_sign - offset);
    const size_t colon = userinfo.find(':');
    std::string_view user = userinfo.substr(0, colon);
    if (user.empty()) return at(offset, "empty user part before '@'");
    if (size_t bad = find_invalid(user, kUserExtra); bad != std::string_view::npos) {
      return at(offset + bad, "invalid character in URI user part");
    }
    view.user = user;
    if (colon != std::string_view::npos) {
      std::string_view password = userinfo.substr(colon + 1);
      if (size_t bad = find_invalid(password, kPasswordExtra); bad != std::string_view::npos) {
        return at(offset + colon + 1 + bad, "invalid character in URI password");
      }
      view.password = password;
    }
    i = at_sign + 1;
  }
  auto host = parse_hostport(text, i, view);
  if (!host) return host.error();
  i += *host;
  auto params = check_uri_params(text, i);
  if (!params) return params.error();
  view.params = text.substr(i, *params);
  i += *params;
  if (i < text.size()) {
    if (text[i] != '?') return at(i, "unexpected character in URI");
    view.headers = text.substr(i + 1);
    return check_uri_headers(text, i + 1);
  }
  return Ok{};
}

Status parse_tel_rest(std::string_view text, size_t offset, UriView& view) {
  size_t end = text.find(';', offset);
  if (end == std::string_view::npos) end = text.size();
  std::string_view number = text.substr(offset, end - offset);
  if (number.empty()) return at(offset, "tel URI needs a number");
  if (size_t bad = find_invalid(number, "+#()"); bad != std::string_view::npos) {
    return at(offset + bad, "invalid character in tel number");
  }
  view.user = number;
  auto params = check_uri_params(text, end);
  if (!params) return params.error();
  if (end + *params != text.size()) return at(end + *params, "unexpected character in tel URI");
  view.params = text.substr(end, *params);
  return Ok{};
}

// Splits checked ";a=b;c" text into `out`.
void append_uri_params(std::string_view checked, Params& out) {
  while (!checked.empty()) {
    checked.remove_prefix(1);  // ';'
    const size_t end = checked.find(';');
    std::string_view item = checked.substr(0, end);
    const size_t eq = item.find('=');
    out.push_back(Param{std::string(item.substr(0, eq)),
                        eq == std::string_view::npos
                            ? std::nullopt
                            : std::optional<std::string>(item.substr(eq + 1))});
    checked = end == std::string_view::npos ? std::string_view() : checked.substr(end);
  }
}

bool valid_scheme(std::string_view s) {
  if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return false;
  for (char c : s) {
    if (!is_alphanum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

}  // namespace

std::string Uri::transport() const {
  auto v = params.value("transport");
  return v ? to_lower(*v) : std::string();
}

std::string Uri::to_string() const {
  std::string out = scheme_name;
  out.push_back(':');
  if (scheme == Scheme::kOther) return out + opaque;
  if (scheme == Scheme::kTel) {
    out += user;
    params.append_to(out);
    return out;
  }
  if (!user.empty()) {
    out += user;
    if (password) out += ":" + *password;
    out.push_back('@');
  }
  out += host;
  if (port) out += ":" + std::to_string(*port);
  params.append_to(out);
  for (size_t i = 0; i < headers.size(); ++i) {
    out.push_back(i == 0 ? '?' : '&');
    out += headers[i].first + "=" + headers[i].second;
  }
  return out;
}

Result<HostPort> parse_host_port(std::string_view text) {
  UriView view;
  auto used = parse_hostport(text, 0, view);
  if (!used) return used.error();
  if (*used != text.size()) return at(*used, "unexpected character after host");
  return HostPort{std::string(view.host), view.port};
}

bool is_valid_host(std::string_view host) {
  return !host.empty() && host.front() == '[' ? valid_ipv6_reference(host) : valid_hostname(host);
}

Result<UriView> parse_uri_view(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || !valid_scheme(text.substr(0, colon))) {
    return at(0, "URI must start with a scheme such as 'sip:'");
  }
  UriView view;
  view.scheme_name = text.substr(0, colon);
  const size_t start = colon + 1;
  if (iequals(view.scheme_name, "sip") || iequals(view.scheme_name, "sips")) {
    view.scheme = view.scheme_name.size() == 3 ? Uri::Scheme::kSip : Uri::Scheme::kSips;
    if (Status s = parse_sip_rest(text, start, view); !s) return s.error();
  } else if (iequals(view.scheme_name, "tel")) {
    view.scheme = Uri::Scheme::kTel;
    if (Status s = parse_tel_rest(text, start, view); !s) return s.error();
  } else {
    view.scheme = Uri::Scheme::kOther;
    std::string_view rest = text.substr(start);
    if (rest.empty()) return at(start, "URI has nothing after the scheme");
    for (size_t i = 0; i < rest.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(rest[i]);
      if (c <= ' ' || c >= 0x7f || in(static_cast<char>(c), "<>\"")) {
        return at(start + i, "invalid character in URI");
      }
    }
    view.opaque = rest;
  }
  return view;
}

Uri to_uri(const UriView& view) {
  Uri uri;
  uri.scheme = view.scheme;
  uri.scheme_name = to_lower(view.scheme_name);
  uri.user = std::string(view.user);
  if (view.password) uri.password = std::string(*view.password);
  uri.host = std::string(view.host);
  uri.port = view.port;
  append_uri_params(view.params, uri.params);
  for (std::string_view rest = view.headers; !rest.empty();) {
    const size_t amp = rest.find('&');
    std::string_view item = rest.substr(0, amp);
    const size_t eq = item.find('=');
    uri.headers.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
  }
  uri.opaque = std::string(view.opaque);
  return uri;
}

Result<Uri> parse_uri(std::string_view text) {
  auto view = parse_uri_view(text);
  if (!view) return view.error();
  return to_uri(*view);
}

}  // namespace tandem::sip
