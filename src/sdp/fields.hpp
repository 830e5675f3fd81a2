// The structured SDP lines other than a= and m=: o=, c=, b=, t=, r=, z= (RFC 8866 §5).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace tandem::sdp {

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>. Ids are kept as
// text: some peers send ids wider than 64 bits.
struct Origin {
  std::string username = "-";
  std::string session_id = "0";
  std::string session_version = "0";
  std::string net_type = "IN";
  std::string address_type = "IP4";
  std::string address = "0.0.0.0";

  bool operator==(const Origin&) const = default;
};

// c=<nettype> <addrtype> <connection-address>. Multicast suffixes are split out: for IP4
// "addr/ttl[/count]", for IP6 "addr[/count]"; other address types keep the text whole.
struct Connection {
  std::string net_type = "IN";
  std::string address_type = "IP4";
  std::string address = "0.0.0.0";
  std::optional<uint32_t> ttl;
  std::optional<uint32_t> address_count;

  bool operator==(const Connection&) const = default;
};

// b=<bwtype>:<bandwidth> (kbit/s for AS and CT, bit/s for TIAS).
struct Bandwidth {
  std::string type;
  uint64_t value = 0;

  bool operator==(const Bandwidth&) const = default;
};

// r=<repeat interval> <active duration> <offsets from start-time>, typed times kept as text
// ("7d", "3600").
struct RepeatTime {
  std::string interval;
  std::string duration;
  std::vector<std::string> offsets;

  bool operator==(const RepeatTime&) const = default;
};

// t=<start-time> <stop-time> and the r= lines that follow it.
struct Timing {
  uint64_t start = 0;
  uint64_t stop = 0;
  std::vector<RepeatTime> repeats;

  bool operator==(const Timing&) const = default;
};

// One <adjustment time> <offset> pair of a z= line; offset is a signed typed time ("-1h").
struct TimeZoneAdjustment {
  uint64_t time = 0;
  std::string offset;

  bool operator==(const TimeZoneAdjustment&) const = default;
};

// Field parsers take the text after "x=". An Error's column is 1-based within that text and its
// line is 0; parse_sdp shifts both to positions in the whole description.
Result<Origin> parse_origin(std::string_view value);
Result<Connection> parse_connection(std::string_view value);
Result<Bandwidth> parse_bandwidth(std::string_view value);
Result<Timing> parse_timing(std::string_view value);
Result<RepeatTime> parse_repeat_time(std::string_view value);
Result<std::vector<TimeZoneAdjustment>> parse_time_zones(std::string_view value);

// Builders return the text after "x=".
std::string to_string(const Origin& origin);
std::string to_string(const Connection& connection);
std::string to_string(const Bandwidth& bandwidth);
std::string to_string(const Timing& timing);  // the t= value only; repeats are separate lines
std::string to_string(const RepeatTime& repeat);
std::string to_string(const std::vector<TimeZoneAdjustment>& zones);

}  // namespace tandem::sdp
