#include "sdp/fields.hpp"

#include <fmt/format.h>

#include "common/text.hpp"
#include "sdp/scan.hpp"

namespace tandem::sdp {
namespace {

using detail::Token;

Error field_error(std::string reason, size_t offset) {
  return Error{std::move(reason), 0, static_cast<uint32_t>(offset + 1)};
}

// RFC 8866 typed-time: 1*DIGIT [d|h|m|s]; `allow_sign` admits the leading '-' of z= offsets.
bool is_typed_time(std::string_view s, bool allow_sign) {
  if (allow_sign && !s.empty() && s.front() == '-') s.remove_prefix(1);
  if (!s.empty() && (s.back() == 'd' || s.back() == 'h' || s.back() == 'm' || s.back() == 's')) {
    s.remove_suffix(1);
  }
  return parse_uint(s).has_value();
}

// Splits "addr/a/b" into the address and up to two numeric suffixes.
Result<Connection> split_multicast(Connection c, const Token& token) {
  std::string_view text = token.text;
  const size_t slash = text.find('/');
  c.address = std::string(text.substr(0, slash));
  if (c.address.empty()) return field_error("connection address is empty", token.offset);
  if (slash == std::string_view::npos) return c;
  std::vector<uint32_t> numbers;
  size_t pos = slash;
  while (pos != std::string_view::npos) {
    const size_t next = text.find('/', pos + 1);
    const auto number = detail::parse_u32(text.substr(pos + 1, next - pos - 1));
    if (!number) return field_error("bad multicast TTL or address count", token.offset + pos + 1);
    numbers.push_back(*number);
    pos = next;
  }
  const size_t max_numbers = c.address_type == "IP4" ? 2 : 1;
  if (numbers.size() > max_numbers) {
    return field_error("too many '/' suffixes in connection address", token.offset + slash);
  }
  if (c.address_type == "IP4") {
    c.ttl = numbers[0];
    if (numbers.size() == 2) c.address_count = numbers[1];
  } else {
    c.address_count = numbers[0];
  }
  return c;
}

}  // namespace

Result<Origin> parse_origin(std::string_view value) {
  const std::vector<Token> f = detail::split_fields(value);
  if (f.size() != 6) {
    return field_error(
        "o= line needs <username> <sess-id> <sess-version> <nettype> <addrtype> <address>",
        f.size() > 6 ? f[6].offset : 0);
  }
  return Origin{std::string(f[0].text), std::string(f[1].text), std::string(f[2].text),
                std::string(f[3].text), std::string(f[4].text), std::string(f[5].text)};
}

Result<Connection> parse_connection(std::string_view value) {
  const std::vector<Token> f = detail::split_fields(value);
  if (f.size() != 3) {
    return field_error("c= line needs <nettype> <addrtype> <connection-address>",
                       f.size() > 3 ? f[3].offset : 0);
  }
  Connection c;
  c.net_type = std::string(f[0].text);
  c.address_type = std::string(f[1].text);
  // Only IP4/IP6 define the '/' multicast suffixes; other address types stay opaque.
  if (c.address_type != "IP4" && c.address_type != "IP6") {
    c.address = std::string(f[2].text);
    return c;
  }
  return split_multicast(std::move(c), f[2]);
}

Result<Bandwidth> parse_bandwidth(std::string_view value) {
  const size_t colon = value.find(':');
  if (colon == std::string_view::npos) return field_error("b= line needs <bwtype>:<bandwidth>", 0);
  const std::string_view type = value.substr(0, colon);
  if (!detail::is_token(type)) return field_error("bad bandwidth type", 0);
  const auto number = parse_uint(value.substr(colon + 1));
  if (!number) return field_error("bandwidth is not a number", colon + 1);
  return Bandwidth{std::string(type), *number};
}

Result<Timing> parse_timing(std::string_view value) {
  const std::vector<Token> f = detail::split_fields(value);
  if (f.size() != 2) {
    return field_error("t= line needs <start-time> <stop-time>", f.size() > 2 ? f[2].offset : 0);
  }
  Timing t;
  for (size_t i = 0; i < 2; ++i) {
    const auto number = parse_uint(f[i].text);
    if (!number) return field_error("time is not a number", f[i].offset);
    (i == 0 ? t.start : t.stop) = *number;
  }
  return t;
}

Result<RepeatTime> parse_repeat_time(std::string_view value) {
  const std::vector<Token> f = detail::split_fields(value);
  if (f.size() < 3) return field_error("r= line needs <interval> <duration> <offset>...", 0);
  RepeatTime r;
  for (const Token& token : f) {
    if (!is_typed_time(token.text, false)) return field_error("bad typed time", token.offset);
  }
  r.interval = std::string(f[0].text);
  r.duration = std::string(f[1].text);
  for (size_t i = 2; i < f.size(); ++i) r.offsets.emplace_back(f[i].text);
  return r;
}

Result<std::vector<TimeZoneAdjustment>> parse_time_zones(std::string_view value) {
  const std::vector<Token> f = detail::split_fields(value);
  if (f.empty() || f.size() % 2 != 0) {
    return field_error("z= line needs <adjustment time> <offset> pairs", 0);
  }
  std::vector<TimeZoneAdjustment> zones;
  for (size_t i = 0; i < f.size(); i += 2) {
    const auto time = parse_uint(f[i].text);
    if (!time) return field_error("adjustment time is not a number", f[i].offset);
    if (!is_typed_time(f[i + 1].text, true)) return field_error("bad offset", f[i + 1].offset);
    zones.push_back({*time, std::string(f[i + 1].text)});
  }
  return zones;
}

std::string to_string(const Origin& o) {
  return fmt::format("{} {} {} {} {} {}", o.username, o.session_id, o.session_version, o.net_type,
                     o.address_type, o.address);
}

std::string to_string(const Connection& c) {
  std::string out = fmt::format("{} {} {}", c.net_type, c.address_type, c.address);
  if (c.ttl) out += fmt::format("/{}", *c.ttl);
  if (c.address_count) out += fmt::format("/{}", *c.address_count);
  return out;
}

std::string to_string(const Bandwidth& b) { return fmt::format("{}:{}", b.type, b.value); }

std::string to_string(const Timing& t) { return fmt::format("{} {}", t.start, t.stop); }

std::string to_string(const RepeatTime& r) {
  return fmt::format("{} {} {}", r.interval, r.duration, fmt::join(r.offsets, " "));
}

std::string to_string(const std::vector<TimeZoneAdjustment>& zones) {
  std::string out;
  for (const TimeZoneAdjustment& z : zones) {
    if (!out.empty()) out += ' ';
    out += fmt::format("{} {}", z.time, z.offset);
  }
  return out;
}

}  // namespace tandem::sdp
