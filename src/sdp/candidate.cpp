#include "sdp/candidate.hpp"

#include <fmt/format.h>

#include "common/text.hpp"
#include "sdp/scan.hpp"

namespace tandem::sdp {
namespace {

using detail::Token;

Error fail(std::string_view reason) { return Error{fmt::format("candidate: {}", reason)}; }

// ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.1).
bool is_foundation(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

// The fixed part: foundation, component, transport, priority, address, port, "typ", type.
Status parse_fixed(const std::vector<Token>& f, Candidate& c) {
  if (f.size() < 8) return fail("needs 8 fields up to 'typ <type>'");
  if (!is_foundation(f[0].text)) return fail("foundation must be 1-32 ice-chars");
  c.foundation = std::string(f[0].text);
  const auto component = detail::parse_u16(f[1].text, 256);
  if (!component || *component == 0) return fail("component id must be 1-256");
  c.component = *component;
  if (!detail::is_token(f[2].text)) return fail("bad transport");
  c.transport = std::string(f[2].text);
  const auto priority = detail::parse_u32(f[3].text);
  if (!priority) return fail("priority must be a 32-bit number");
  c.priority = *priority;
  c.address = std::string(f[4].text);
  const auto port = detail::parse_u16(f[5].text);
  if (!port) return fail("port must be 0-65535");
  c.port = *port;
  if (f[6].text != "typ") return fail("expected 'typ' after the port");
  if (!detail::is_token(f[7].text)) return fail("bad candidate type");
  c.type = std::string(f[7].text);
  return Ok{};
}

// raddr/rport/tcptype get fields; any other name-value pair is kept as an extension.
Status parse_extension(std::string_view name, std::string_view value, Candidate& c) {
  if (name == "raddr") {
    if (c.related_address) return fail("raddr given twice");
    c.related_address = std::string(value);
  } else if (name == "rport") {
    const auto port = detail::parse_u16(value);
    if (!port || c.related_port) return fail("bad or repeated rport");
    c.related_port = *port;
  } else if (name == "tcptype") {
    if (c.tcp_type) return fail("tcptype given twice");
    c.tcp_type = std::string(value);
  } else {
    if (!detail::is_token(name)) return fail("bad extension name");
    c.extensions.emplace_back(name, value);
  }
  return Ok{};
}

}  // namespace

bool Candidate::is_tcp() const { return iequals(transport, "tcp"); }

bool Candidate::is_mdns() const {
  constexpr std::string_view kSuffix = ".local";
  return address.size() > kSuffix.size() &&
         iequals(std::string_view(address).substr(address.size() - kSuffix.size()), kSuffix);
}

std::optional<std::string_view> Candidate::extension(std::string_view name) const {
  for (const auto& [key, value] : extensions) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

Result<Candidate> parse_candidate(std::string_view value) {
  if (value.starts_with("candidate:")) value.remove_prefix(10);
  const std::vector<Token> f = detail::split_fields(value);
  Candidate c;
  if (Status s = parse_fixed(f, c); !s) return s.error();
  if ((f.size() - 8) % 2 != 0) return fail("extension name without a value");
  for (size_t i = 8; i + 1 < f.size(); i += 2) {
    if (Status s = parse_extension(f[i].text, f[i + 1].text, c); !s) return s.error();
  }
  return c;
}

std::string to_string(const Candidate& c) {
  std::string out = fmt::format("{} {} {} {} {} {} typ {}", c.foundation, c.component, c.transport,
                                c.priority, c.address, c.port, c.type);
  if (c.related_address) out += " raddr " + *c.related_address;
  if (c.related_port) out += fmt::format(" rport {}", *c.related_port);
  if (c.tcp_type) out += " tcptype " + *c.tcp_type;
  for (const auto& [name, value] : c.extensions) {
    out += ' ';
    out += name;
    out += ' ';
    out += value;
  }
  return out;
}

}  // namespace tandem::sdp
