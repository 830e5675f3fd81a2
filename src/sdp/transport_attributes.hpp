// Typed views of the transport and grouping attributes: fingerprint, setup, group (BUNDLE),
// ice-options, sctp-port and max-message-size. parse_* takes the value after "a=<name>:".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace tandem::sdp {

// a=fingerprint:<hash function> <hex pairs separated by ':'> (RFC 8122).
struct Fingerprint {
  std::string hash_function;  // "sha-256"; compare case-insensitively
  std::string value;          // "AB:CD:..." as received

  bool operator==(const Fingerprint&) const = default;
};
Result<Fingerprint> parse_fingerprint(std::string_view value);
std::string to_string(const Fingerprint& fingerprint);
// The fingerprint bytes ("AB:CD" -> {0xAB, 0xCD}); empty if the value is malformed.
std::vector<uint8_t> fingerprint_bytes(std::string_view hex_pairs);

// a=setup (RFC 4145 / RFC 5763): the DTLS role negotiation.
enum class Setup { kActive, kPassive, kActpass, kHoldconn };
std::optional<Setup> parse_setup(std::string_view value);
std::string_view to_string(Setup setup);

// a=group:<semantics> <identification-tag>... (RFC 5888), e.g. "BUNDLE 0 1 2".
struct Group {
  std::string semantics;
  std::vector<std::string> mids;

  bool operator==(const Group&) const = default;
};
Result<Group> parse_group(std::string_view value);
std::string to_string(const Group& group);

// a=ice-options:<option>... (RFC 8839), e.g. "trickle ice2".
std::vector<std::string> parse_ice_options(std::string_view value);

// a=sctp-port:<port> and a=max-message-size:<bytes> (RFC 8841).
Result<uint16_t> parse_sctp_port(std::string_view value);
Result<uint64_t> parse_max_message_size(std::string_view value);

}  // namespace tandem::sdp
