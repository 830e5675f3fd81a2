// Typed view of a=candidate (RFC 8839 §5.1, with RFC 6544 tcptype).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace tandem::sdp {

// candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>
//           [raddr <address>] [rport <port>] *(<extension name> <extension value>)
struct Candidate {
  std::string foundation;         // 1-32 ice-chars
  uint16_t component = 1;         // 1-256
  std::string transport = "udp";  // "udp"/"UDP"/"tcp"/"TCP" as received; compare with iequals
  uint32_t priority = 0;
  std::string address;  // IPv4, IPv6 (no brackets) or an FQDN such as an mDNS "<uuid>.local"
  uint16_t port = 0;
  std::string type = "host";  // host, srflx, prflx, relay (or a future token)
  std::optional<std::string> related_address;
  std::optional<uint16_t> related_port;
  std::optional<std::string> tcp_type;  // active, passive, so (RFC 6544)
  // Other extensions in order, e.g. {"generation","0"}, {"network-id","1"}, {"ufrag","abcd"}.
  std::vector<std::pair<std::string, std::string>> extensions;

  bool is_tcp() const;
  bool is_mdns() const;  // the address is a ".local" name that must be resolved (or ignored)
  // Value of extension `name`, if present.
  std::optional<std::string_view> extension(std::string_view name) const;

  bool operator==(const Candidate&) const = default;
};

// Parses the value after "a=candidate:". A leading "candidate:" is accepted too, so the strings
// a browser trickles (RTCIceCandidate.candidate) parse as well.
Result<Candidate> parse_candidate(std::string_view value);

// Builds the value after "a=candidate:" (raddr, rport, tcptype, then the other extensions).
std::string to_string(const Candidate& candidate);

}  // namespace tandem::sdp
