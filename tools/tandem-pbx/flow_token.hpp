// Flow tokens (after RFC 5626 §5.3): tandem-pbx writes the two flows of a dialog, caller side
// and callee side, into the user part of its Record-Route URI. In-dialog requests bring the token
// back in their Route header, so the proxy knows which connection leads to the other party even
// when that party is reachable only over the connection it registered on (WS, TCP behind NAT).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sip/transport.hpp"
#include "sip/uri.hpp"

namespace tandem::pbx {

inline constexpr std::string_view kFlowTokenPrefix = "tpx-";

struct FlowPair {
  sip::Flow a;  // where the dialog-creating request came from
  sip::Flow b;  // where it was forwarded to
};

// "tpx-<a>-<b>", usable as a SIP URI user part (hex, digits, dots).
std::string encode_flow_token(const FlowPair& flows);
std::optional<FlowPair> decode_flow_token(std::string_view user);

// True when `uri` is a Record-Route this proxy wrote.
inline bool is_own_route(const sip::Uri& uri) { return uri.user.starts_with(kFlowTokenPrefix); }

// Same path: the same connection for reliable transports, the same remote address for UDP.
bool same_flow(const sip::Flow& x, const sip::Flow& y);

}  // namespace tandem::pbx
