// The pure parts of RFC 3263 target selection: what a URI asks for, which NAPTR records we can
// follow, and the RFC 2782 order of SRV records. No DNS here; TargetResolver asks the questions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "sip/dns_lookup.hpp"
#include "sip/transport.hpp"
#include "sip/uri.hpp"

namespace tandem::sip {

// One place to send a request: a transport, an address and port, the host name the address came
// from (an SRV target, for logs), and the URI's domain, which a TLS peer's certificate must match
// (RFC 5922 §4.1, not the SRV target). Both names are empty for numeric URIs.
struct Target {
  TransportKind transport = TransportKind::kUdp;
  PeerAddress address;
  std::string host;
  std::string domain;

  std::string to_string() const;  // "UDP 192.0.2.1:5060 (sip1.example.com)"
  bool operator==(const Target&) const = default;
};

// Uniform random integer in [0, upper]: the source SRV weighting draws from. Injectable so tests
// can seed it.
using RandomPick = std::function<uint32_t(uint32_t upper)>;
RandomPick default_random_pick();

// What a URI leaves to DNS (RFC 3263 §4.1, §4.2).
struct TargetPlan {
  std::string host;  // maddr if present, else the URI host; IPv6 without brackets
  bool sips = false;
  std::optional<boost::asio::ip::address> numeric;  // the host is an IP address: no DNS at all
  std::optional<TransportKind> transport;           // from `transport=`, or implied (see below)
  std::optional<uint16_t> port;
};
// Fails for non-SIP URIs, unknown transports and SIPS over UDP. When the host is numeric or a
// port is given, the transport is implied when absent: UDP for sip, TLS for sips.
Result<TargetPlan> plan_targets(const Uri& uri);
// The one target of a numeric host (no DNS at all, §4.2); nullopt when the host is a name.
std::optional<Target> numeric_target(const TargetPlan& plan);

uint16_t default_port(TransportKind kind);  // 5060, or 5061 for TLS and WSS
// "_sip._udp." / "_sip._tcp." / "_sips._tcp." ... prefix of the SRV name for a transport.
std::string srv_prefix(TransportKind kind);

// A NAPTR record we can follow, with the transport its service names.
struct NaptrChoice {
  TransportKind transport;
  std::string srv_name;
};
// RFC 3263 §4.1: records with flag "s" whose service we support (SIPS+ only for sips URIs),
// ordered by order then preference; the rest are ignored.
std::vector<NaptrChoice> select_naptr(std::vector<NaptrRecord> records, bool sips,
                                      const std::vector<TransportKind>& supported);

// RFC 2782: ascending priority; within one priority a weighted random permutation (weight-0
// records first in the running sum, so they are picked rarely but can be). "." targets dropped.
std::vector<SrvRecord> order_srv(std::vector<SrvRecord> records, const RandomPick& random);

}  // namespace tandem::sip
