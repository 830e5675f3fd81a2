// Plain value types of the ICE-lite agent: configuration, state, counters.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace tandem::ice {

// RFC 8445 §5.4, RFC 8839 §5.4: ice-ufrag 4..256 ice-chars, ice-pwd 22..256 ice-chars. The agent
// only checks that they are non-empty; SDP validation is the signaling layer's job.
struct IceLiteConfig {
  std::string local_ufrag;
  std::string local_pwd;
  // The browser's ufrag (from its SDP). Empty while unknown: checks are then accepted on the
  // local ufrag and password alone (the MESSAGE-INTEGRITY is what authenticates them).
  std::string remote_ufrag;
  // RFC 7675 §5.1: consent expires 30 s after the last valid check on the selected pair.
  Duration consent_timeout = std::chrono::seconds(30);
  // No nomination within this time after start or an ICE restart that found no path: kFailed.
  Duration connect_timeout = std::chrono::seconds(30);
  // Unknown ufrag or wrong MESSAGE-INTEGRITY: drop silently (default; no oracle, no reflection)
  // or answer 401 Unauthorized without MESSAGE-INTEGRITY (RFC 8489 §9.1.3).
  bool answer_unauthorized = false;
};

enum class IceState : uint8_t {
  kNew,           // no valid check yet
  kChecking,      // valid checks seen, nothing nominated yet
  kConnected,     // a nominated pair with fresh consent: media may be sent on it
  kDisconnected,  // consent expired on the selected pair: stop sending (RFC 7675 §5.1); a valid
                  // check on it or an ICE restart recovers
  kFailed,        // nothing nominated within connect_timeout (a late nomination or an ICE
                  // restart still recovers; the owner usually tears the session down)
};

std::string_view to_string(IceState state) noexcept;

struct IceCounters {
  uint64_t requests = 0;               // Binding requests that reached the agent
  uint64_t success_responses = 0;      // Binding success responses written
  uint64_t error_responses = 0;        // 400, 401, 420, 487 responses written
  uint64_t dropped_malformed = 0;      // not a valid STUN message (handle_packet only)
  uint64_t dropped_not_request = 0;    // indications, responses, methods other than Binding
  uint64_t dropped_unknown_ufrag = 0;  // USERNAME not "local:remote" of any live generation
  uint64_t dropped_bad_integrity = 0;  // MESSAGE-INTEGRITY does not verify
  uint64_t dropped_no_buffer = 0;      // response buffer too small
  uint64_t bad_requests = 0;           // missing USERNAME or MESSAGE-INTEGRITY (answered 400)
  uint64_t role_conflicts = 0;         // ICE-CONTROLLED from the peer (answered 487)
  uint64_t valid_checks = 0;           // authenticated checks answered with success
  uint64_t prflx_learned = 0;          // new remote addresses (peer-reflexive for the lite side)
  uint64_t nominations = 0;            // checks with USE-CANDIDATE
  uint64_t path_switches = 0;          // selected path changed from one address to another
  uint64_t consent_expirations = 0;
  uint64_t restarts = 0;            // ICE restarts requested
  uint64_t restarts_completed = 0;  // first valid check with the new credentials
};

}  // namespace tandem::ice
