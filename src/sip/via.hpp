// Via header values (RFC 3261 §20.42, §18.2.1, RFC 3581 rport).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "sip/params.hpp"

namespace tandem::sip {

struct Via {
  std::string protocol_name = "SIP";
  std::string protocol_version = "2.0";
  std::string transport = "UDP";  // upper case: UDP, TCP, TLS, SCTP, WS, WSS, or an extension
  std::string host;               // sent-by host; "[IPv6]" keeps its brackets
  std::optional<uint16_t> port;
  Params params;

  // Empty when absent.
  std::string_view branch() const;
  // RFC 3261 magic cookie: the branch is unique and usable for transaction matching.
  bool has_rfc3261_branch() const;
  std::optional<std::string_view> received() const;
  std::optional<std::string_view> maddr() const;
  // `;rport` without a value asks for it (RFC 3581); with a value it reports it.
  bool has_rport() const { return params.has("rport"); }
  std::optional<uint16_t> rport() const;

  std::string to_string() const;
};

// A via-parm checked and split into views of its text (see UriView).
struct ViaView {
  std::string_view protocol_name;
  std::string_view protocol_version;
  std::string_view transport;  // as written
  std::string_view host;
  std::optional<uint16_t> port;
  std::string_view params;  // as written, already checked
  std::string_view branch;  // empty when absent
};

// Parses one via-parm (a single comma-separated element of a Via header).
Result<ViaView> parse_via_view(std::string_view value);
Result<Via> parse_via(std::string_view value);
Via to_via(const ViaView& view);

}  // namespace tandem::sip
