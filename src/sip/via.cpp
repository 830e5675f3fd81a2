#include "sip/via.hpp"

#include "common/text.hpp"
#include "sip/grammar.hpp"
#include "sip/uri.hpp"

namespace tandem::sip {
namespace {

Error at(size_t offset, std::string reason) {
  return Error{std::move(reason), 0, static_cast<uint32_t>(offset + 1)};
}

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

// Checks the parameters whose syntax the transaction layer relies on.
Status check_param(std::string_view name, std::optional<std::string_view> value, ViaView& via) {
  if (iequals(name, "branch")) {
    if (!value || !is_token(*value)) return Error{"Via branch must be a token"};
    if (via.branch.empty()) via.branch = *value;
  } else if (iequals(name, "rport")) {
    if (value && !parse_uint(*value, 65535)) return Error{"Via rport must be a port number"};
  } else if (iequals(name, "ttl")) {
    if (!value || !parse_uint(*value, 255)) return Error{"Via ttl must be 0-255"};
  } else if (iequals(name, "received")) {
    if (!value) return Error{"Via received needs an address"};
  }
  return Ok{};
}

// sent-by = host [ COLON port ], with SWS allowed around the colon.
Status parse_sent_by(std::string_view value, Scanner& s, ViaView& via) {
  const size_t start = s.pos();
  if (s.peek() == '[') {
    s.take_until_any("]");
    s.advance();
  } else {
    s.take_until_any(" \t:;");
  }
  via.host = value.substr(start, s.pos() - start);
  if (!is_valid_host(via.host)) {
    return at(start, "malformed Via sent-by: malformed host '" + std::string(via.host) + "'");
  }
  if (s.consume_sep(':')) {
    const size_t port_start = s.pos();
    auto port = parse_uint(s.take_until_any(" \t;"), 65535);
    if (!port)
      return at(port_start, "malformed Via sent-by: port must be a number from 0 to 65535");
    via.port = static_cast<uint16_t>(*port);
  }
  return Ok{};
}

}  // namespace

std::string_view Via::branch() const { return params.value("branch").value_or(""); }

bool Via::has_rfc3261_branch() const {
  std::string_view b = branch();
  return b.size() > 7 && b.substr(0, 7) == "z9hG4bK";
}

std::optional<std::string_view> Via::received() const { return params.value("received"); }

std::optional<std::string_view> Via::maddr() const { return params.value("maddr"); }

std::optional<uint16_t> Via::rport() const {
  auto v = params.value("rport");
  if (!v) return std::nullopt;
  auto port = parse_uint(*v, 65535);
  if (!port) return std::nullopt;
  return static_cast<uint16_t>(*port);
}

std::string Via::to_string() const {
  std::string out = protocol_name + "/" + protocol_version + "/" + transport + " " + host;
  if (port) out += ":" + std::to_string(*port);
  params.append_to(out);
  return out;
}

Result<ViaView> parse_via_view(std::string_view value) {
  Scanner s(value);
  ViaView via;
  s.skip_ws();
  via.protocol_name = s.token();
  if (via.protocol_name.empty() || !s.consume_sep('/')) {
    return at(s.pos(), "Via must start with SIP/2.0/<transport>");
  }
  via.protocol_version = s.token();
  if (via.protocol_version.empty() || !s.consume_sep('/')) {
    return at(s.pos(), "Via protocol needs a version");
  }
  via.transport = s.token();
  if (via.transport.empty()) return at(s.pos(), "Via needs a transport such as UDP");
  const size_t before_ws = s.pos();
  s.skip_ws();
  if (s.pos() == before_ws) return at(s.pos(), "Via needs whitespace before sent-by");
  if (Status st = parse_sent_by(value, s, via); !st) return st.error();
  const size_t params_start = s.pos();
  Status params =
      scan_header_params(s, [&via](std::string_view name, std::optional<std::string_view> v) {
        return check_param(name, v, via);
      });
  if (!params) return at(s.pos(), params.error().reason);
  via.params = value.substr(params_start, s.pos() - params_start);
  s.skip_ws();
  if (!s.at_end()) return at(s.pos(), "unexpected character in Via");
  return via;
}

Via to_via(const ViaView& view) {
  Via via;
  via.protocol_name = to_upper(view.protocol_name);
  via.protocol_version = std::string(view.protocol_version);
  via.transport = to_upper(view.transport);
  via.host = std::string(view.host);
  via.port = view.port;
  append_header_params(view.params, via.params);
  return via;
}

Result<Via> parse_via(std::string_view value) {
  auto view = parse_via_view(value);
  if (!view) return view.error();
  return to_via(*view);
}

}  // namespace tandem::sip
