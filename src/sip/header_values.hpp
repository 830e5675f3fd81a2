// Typed views of single SIP header values: delta-seconds (Expires, Min-Expires), token lists
// (Supported, Require, Allow, ...), Content-Type, session timers (RFC 4028), reliable provisional
// responses (RFC 3262), events (RFC 6665), Replaces (RFC 3891) and Reason (RFC 3326).
//
// Every parser takes one header value, already unfolded (for list headers, one comma-separated
// item) and never throws. Errors carry a reason and the 1-based column in the value where parsing
// stopped. Parameters keep their text as written (quotes included), so to_string() gives back the
// parsed text in canonical spacing and parsing it again yields an equal value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "sip/params.hpp"

namespace tandem::sip {

// delta-seconds = 1*DIGIT. Values above 2^32-1 read as 2^32-1 (tolerant reading); anything but
// digits is an error.
Result<uint32_t> parse_delta_seconds(std::string_view value);

// Comma-separated tokens (Supported, Require, Proxy-Require, Unsupported, Allow, Allow-Events).
// An empty value gives an empty list; empty elements (`a,,b`) are skipped.
Result<std::vector<std::string>> parse_token_list(std::string_view value);
// Joins tokens as `a, b, c`.
std::string format_token_list(const std::vector<std::string>& tokens);

// media-type = type "/" subtype *( ";" parameter )
struct ContentType {
  std::string type;
  std::string subtype;
  Params params;

  // Case-insensitive comparison of type and subtype, e.g. is("application", "sdp").
  bool is(std::string_view type_name, std::string_view subtype_name) const;
  std::string to_string() const;
};
Result<ContentType> parse_content_type(std::string_view value);

// Session-Expires = delta-seconds *( ";" se-params ), RFC 4028 §4.
struct SessionExpires {
  uint32_t seconds = 0;
  Params params;

  // "uac" or "uas" in lower case; nullopt when the refresher parameter is absent.
  std::optional<std::string> refresher() const;
  std::string to_string() const;
};
// A refresher parameter other than uac/uas (any case) is an error.
Result<SessionExpires> parse_session_expires(std::string_view value);
// Min-SE = delta-seconds *( ";" generic-param ); the parameters are checked, then dropped.
Result<uint32_t> parse_min_se(std::string_view value);

// RAck = response-num LWS CSeq-num LWS Method, RFC 3262 §7.2.
struct RAck {
  uint32_t rseq = 0;
  uint32_t cseq = 0;
  std::string method;

  std::string to_string() const;
};
// rseq must be 1..2^32-1 and cseq 0..2^32-1; larger numbers are errors, not clamped.
Result<RAck> parse_rack(std::string_view value);
// RSeq = 1*DIGIT in 1..2^31-1, RFC 3262 §7.1.
Result<uint32_t> parse_rseq(std::string_view value);

// Event = event-package *( "." event-template ) *( ";" event-param ), RFC 6665 §8.4.
struct Event {
  std::string type;  // e.g. "presence", "refer", "dialog.winfo"
  Params params;

  std::optional<std::string> id() const;  // unquoted
  std::string to_string() const;
};
Result<Event> parse_event(std::string_view value);

// Subscription-State = substate-value *( ";" subexp-params ), RFC 6665 §8.4.
struct SubscriptionState {
  std::string state;  // "active", "pending", "terminated" or an extension, as written
  Params params;

  std::optional<uint32_t> expires() const;
  std::optional<uint32_t> retry_after() const;
  std::optional<std::string> reason() const;  // as written, e.g. "deactivated"
  std::string to_string() const;
};
// `expires` and `retry-after`, when present, must be delta-seconds.
Result<SubscriptionState> parse_subscription_state(std::string_view value);

// Replaces = callid *( ";" replaces-param ), RFC 3891 §6.1. Inside a Refer-To URI the value
// arrives %-escaped: callers unescape it before parsing.
struct Replaces {
  std::string call_id;  // word [ "@" word ]
  Params params;

  std::string to_tag() const;
  std::string from_tag() const;
  bool early_only() const;
  std::string to_string() const;
};
// to-tag and from-tag are required and must be tokens.
Result<Replaces> parse_replaces(std::string_view value);

// Reason = protocol *( ";" reason-params ), RFC 3326 §2, e.g. `Q.850;cause=16`.
struct Reason {
  std::string protocol;  // "SIP", "Q.850" or another token, as written
  Params params;

  std::optional<uint32_t> cause() const;
  std::optional<std::string> text() const;  // unquoted
  std::string to_string() const;
};
// `cause`, when present, must be digits fitting 32 bits.
Result<Reason> parse_reason(std::string_view value);

// Structural equality: names and values exactly as written, parameters in order.
bool operator==(const ContentType& a, const ContentType& b);
bool operator==(const SessionExpires& a, const SessionExpires& b);
bool operator==(const RAck& a, const RAck& b);
bool operator==(const Event& a, const Event& b);
bool operator==(const SubscriptionState& a, const SubscriptionState& b);
bool operator==(const Replaces& a, const Replaces& b);
bool operator==(const Reason& a, const Reason& b);

}  // namespace tandem::sip
