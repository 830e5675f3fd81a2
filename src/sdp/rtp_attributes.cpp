#include "sdp/rtp_attributes.hpp"

#include <fmt/format.h>

#include "common/text.hpp"
#include "sdp/scan.hpp"

namespace tandem::sdp {
namespace {

using detail::next_field;

Error fail(std::string_view attribute, std::string_view reason) {
  return Error{fmt::format("{}: {}", attribute, reason)};
}

std::optional<std::string> rest_or_none(std::string_view rest) {
  if (rest.empty()) return std::nullopt;
  return std::string(rest);
}

std::string with_rest(std::string head, const std::optional<std::string>& rest) {
  if (rest) {
    head += ' ';
    head += *rest;
  }
  return head;
}

}  // namespace

Result<Rtpmap> parse_rtpmap(std::string_view value) {
  std::string_view rest = value;
  const auto pt = detail::parse_u8(next_field(rest), 127);
  if (!pt) return fail("rtpmap", "payload type must be 0-127");
  const std::string_view spec = next_field(rest);
  if (!rest.empty()) return fail("rtpmap", "unexpected text after the encoding");
  const size_t slash = spec.find('/');
  if (slash == 0 || slash == std::string_view::npos) {
    return fail("rtpmap", "needs <payload type> <encoding name>/<clock rate>");
  }
  Rtpmap r{*pt, std::string(spec.substr(0, slash)), 0, std::nullopt};
  const std::string_view numbers = spec.substr(slash + 1);
  const size_t second = numbers.find('/');
  const auto rate = detail::parse_u32(numbers.substr(0, second));
  if (!rate) return fail("rtpmap", "clock rate is not a number");
  r.clock_rate = *rate;
  if (second != std::string_view::npos) {
    const auto channels = detail::parse_u32(numbers.substr(second + 1));
    if (!channels) return fail("rtpmap", "channel count is not a number");
    r.channels = *channels;
  }
  return r;
}

std::string to_string(const Rtpmap& r) {
  std::string out = fmt::format("{} {}/{}", r.payload_type, r.encoding, r.clock_rate);
  if (r.channels) out += fmt::format("/{}", *r.channels);
  return out;
}

Result<Fmtp> parse_fmtp(std::string_view value) {
  std::string_view rest = value;
  const std::string_view format = next_field(rest);
  if (format.empty()) return fail("fmtp", "needs <format> <parameters>");
  return Fmtp{std::string(format), std::string(rest)};
}

std::string to_string(const Fmtp& f) { return f.format + ' ' + f.parameters; }

std::vector<FmtpParameter> parse_fmtp_parameters(std::string_view parameters) {
  std::vector<FmtpParameter> out;
  while (!parameters.empty()) {
    const size_t semi = parameters.find(';');
    const std::string_view item = trim(parameters.substr(0, semi));
    parameters.remove_prefix(semi == std::string_view::npos ? parameters.size() : semi + 1);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    FmtpParameter p{std::string(trim(item.substr(0, eq))), std::nullopt};
    if (eq != std::string_view::npos) p.value = std::string(trim(item.substr(eq + 1)));
    out.push_back(std::move(p));
  }
  return out;
}

std::string to_string(const std::vector<FmtpParameter>& parameters) {
  std::string out;
  for (const FmtpParameter& p : parameters) {
    if (!out.empty()) out += ';';
    out += p.name;
    if (p.value) out += '=' + *p.value;
  }
  return out;
}

std::optional<std::string> fmtp_parameter(std::string_view parameters, std::string_view name) {
  for (FmtpParameter& p : parse_fmtp_parameters(parameters)) {
    if (iequals(p.name, name)) return p.value.value_or("");
  }
  return std::nullopt;
}

Result<RtcpFb> parse_rtcp_fb(std::string_view value) {
  std::string_view rest = value;
  const std::string_view format = next_field(rest);
  const std::string_view type = next_field(rest);
  if (format.empty() || type.empty()) return fail("rtcp-fb", "needs <format> <type>");
  return RtcpFb{std::string(format), std::string(type), rest_or_none(rest)};
}

std::string to_string(const RtcpFb& fb) {
  return with_rest(fb.format + ' ' + fb.type, fb.parameters);
}

std::optional<Direction> parse_direction(std::string_view name) {
  if (name == "sendrecv") return Direction::kSendRecv;
  if (name == "sendonly") return Direction::kSendOnly;
  if (name == "recvonly") return Direction::kRecvOnly;
  if (name == "inactive") return Direction::kInactive;
  return std::nullopt;
}

std::string_view to_string(Direction d) {
  switch (d) {
    case Direction::kSendOnly:
      return "sendonly";
    case Direction::kRecvOnly:
      return "recvonly";
    case Direction::kInactive:
      return "inactive";
    case Direction::kSendRecv:
      break;
  }
  return "sendrecv";
}

Direction reverse(Direction d) {
  if (d == Direction::kSendOnly) return Direction::kRecvOnly;
  if (d == Direction::kRecvOnly) return Direction::kSendOnly;
  return d;
}

Result<Extmap> parse_extmap(std::string_view value) {
  std::string_view rest = value;
  const std::string_view head = next_field(rest);
  const std::string_view uri = next_field(rest);
  if (uri.empty()) return fail("extmap", "needs <id>[/<direction>] <uri>");
  const size_t slash = head.find('/');
  const auto id = detail::parse_u16(head.substr(0, slash), 4351);
  if (!id || *id == 0 || (*id > 255 && *id < 4096)) {
    return fail("extmap", "id must be 1-255 or 4096-4351");
  }
  Extmap e{*id, std::nullopt, std::string(uri), rest_or_none(rest)};
  if (slash != std::string_view::npos) {
    e.direction = parse_direction(head.substr(slash + 1));
    if (!e.direction) return fail("extmap", "bad direction");
  }
  return e;
}

std::string to_string(const Extmap& e) {
  std::string head = std::to_string(e.id);
  if (e.direction) head += fmt::format("/{}", to_string(*e.direction));
  return with_rest(head + ' ' + e.uri, e.attributes);
}

Result<Ssrc> parse_ssrc(std::string_view value) {
  std::string_view rest = value;
  const auto id = detail::parse_u32(next_field(rest));
  if (!id) return fail("ssrc", "id is not a 32-bit number");
  if (rest.empty()) return fail("ssrc", "needs <ssrc-id> <attribute>[:<value>]");
  const size_t colon = rest.find(':');
  Ssrc s{*id, std::string(rest.substr(0, colon)), std::nullopt};
  if (!detail::is_token(s.attribute)) return fail("ssrc", "bad attribute name");
  if (colon != std::string_view::npos) s.value = std::string(rest.substr(colon + 1));
  return s;
}

std::string to_string(const Ssrc& s) {
  std::string out = fmt::format("{} {}", s.id, s.attribute);
  if (s.value) out += ':' + *s.value;
  return out;
}

Result<SsrcGroup> parse_ssrc_group(std::string_view value) {
  std::string_view rest = value;
  SsrcGroup g{std::string(next_field(rest)), {}};
  if (!detail::is_token(g.semantics)) return fail("ssrc-group", "bad semantics");
  while (!rest.empty()) {
    const auto id = detail::parse_u32(next_field(rest));
    if (!id) return fail("ssrc-group", "ssrc is not a 32-bit number");
    g.ssrcs.push_back(*id);
  }
  if (g.ssrcs.empty()) return fail("ssrc-group", "needs at least one ssrc");
  return g;
}

std::string to_string(const SsrcGroup& g) {
  std::string out = g.semantics;
  for (uint32_t id : g.ssrcs) out += fmt::format(" {}", id);
  return out;
}

Result<Msid> parse_msid(std::string_view value) {
  std::string_view rest = value;
  Msid m{std::string(next_field(rest)), std::nullopt};
  if (m.stream_id.empty()) return fail("msid", "needs <stream id> [<track id>]");
  if (!rest.empty()) {
    m.track_id = std::string(next_field(rest));
    if (!rest.empty()) return fail("msid", "unexpected text after the track id");
  }
  return m;
}

std::string to_string(const Msid& m) { return with_rest(m.stream_id, m.track_id); }

Result<Rtcp> parse_rtcp(std::string_view value) {
  std::string_view rest = value;
  const auto port = detail::parse_u16(next_field(rest));
  if (!port) return fail("rtcp", "port is not a number 0-65535");
  Rtcp r{*port, std::nullopt, std::nullopt, std::nullopt};
  if (rest.empty()) return r;
  r.net_type = std::string(next_field(rest));
  r.address_type = std::string(next_field(rest));
  r.address = std::string(next_field(rest));
  if (r.address->empty() || !rest.empty()) {
    return fail("rtcp", "needs <port> [<nettype> <addrtype> <connection-address>]");
  }
  return r;
}

std::string to_string(const Rtcp& r) {
  std::string out = std::to_string(r.port);
  if (r.net_type && r.address_type && r.address) {
    out += fmt::format(" {} {} {}", *r.net_type, *r.address_type, *r.address);
  }
  return out;
}

Result<uint32_t> parse_ptime(std::string_view value) {
  const auto ms = detail::parse_u32(trim(value));
  if (!ms) return fail("ptime", "not a whole number of milliseconds");
  return *ms;
}

}  // namespace tandem::sdp
