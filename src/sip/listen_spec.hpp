// The TRANSPORT:ADDRESS:PORT notation of the command-line tools' listeners ("udp:127.0.0.1:5070",
// "tcp:[::1]:0", "wss:0.0.0.0:8443"): one parser for tandem-ua's --local and tandem-pbx's
// --listen.
#pragma once

#include <initializer_list>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "sip/transport.hpp"

namespace tandem::sip {

struct ListenSpec {
  TransportKind kind = TransportKind::kUdp;
  PeerAddress address;  // port 0: the system picks one
};

// `flag` names the option in error messages; `allowed` lists the transports the tool offers.
Result<ListenSpec> parse_listen_spec(std::string_view text, std::string_view flag,
                                     const std::vector<TransportKind>& allowed);

}  // namespace tandem::sip
