#include "sip/via.hpp"

#include "common/text.hpp"
#include "sip/grammar.hpp"
#include "sip/uri.hpp"

namespace tandem::sip {
namespace {

Error at(const Scanner& s, std::string reason) {
  return Error{std::move(reason), 0, static_cast<uint32_t>(s.pos() + 1)};
}

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

// Checks the parameters whose syntax the transaction layer relies on.
Status check_params(const Via& via) {
  if (const Param* p = via.params.find("branch");
      p != nullptr && (!p->value || !is_token(*p->value))) {
    return Error{"Via branch must be a token"};
  }
  if (const Param* p = via.params.find("rport"); p != nullptr && p->value) {
    if (!parse_uint(*p->value, 65535)) return Error{"Via rport must be a port number"};
  }
  if (const Param* p = via.params.find("ttl"); p != nullptr) {
    if (!p->value || !parse_uint(*p->value, 255)) return Error{"Via ttl must be 0-255"};
  }
  if (const Param* p = via.params.find("received"); p != nullptr && !p->value) {
    return Error{"Via received needs an address"};
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

Result<Via> parse_via(std::string_view value) {
  Scanner s(value);
  Via via;
  s.skip_ws();
  std::string_view name = s.token();
  if (name.empty() || !s.consume_sep('/')) return at(s, "Via must start with SIP/2.0/<transport>");
  std::string_view version = s.token();
  if (version.empty() || !s.consume_sep('/')) return at(s, "Via protocol needs a version");
  std::string_view transport = s.token();
  if (transport.empty()) return at(s, "Via needs a transport such as UDP");
  via.protocol_name = to_upper(name);
  via.protocol_version = std::string(version);
  via.transport = to_upper(transport);
  const size_t before_ws = s.pos();
  s.skip_ws();
  if (s.pos() == before_ws) return at(s, "Via needs whitespace before sent-by");
  // sent-by runs to the first parameter; SWS is allowed around ":" and before ";".
  std::string sent_by;
  bool after_space = false;
  for (; !s.at_end() && s.peek() != ';'; s.advance()) {
    const char c = s.peek();
    if (c == ' ' || c == '\t') {
      after_space = true;
      continue;
    }
    if (after_space && c != ':' && sent_by.back() != ':')
      return at(s, "whitespace inside Via sent-by");
    after_space = false;
    sent_by.push_back(c);
  }
  auto hostport = parse_host_port(sent_by);
  if (!hostport) return at(s, "malformed Via sent-by: " + hostport.error().reason);
  via.host = std::move(hostport->host);
  via.port = hostport->port;
  if (Status st = parse_header_params(s, via.params); !st) return at(s, st.error().reason);
  s.skip_ws();
  if (!s.at_end()) return at(s, "unexpected character in Via");
  if (Status st = check_params(via); !st) return st.error();
  return via;
}

}  // namespace tandem::sip
