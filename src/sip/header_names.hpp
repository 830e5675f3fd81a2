// The header fields Tandem knows by name: canonical spelling, compact form (RFC 3261 §7.3.3 and
// extensions) and whether a field may carry a comma-separated list.
#pragma once

#include <cstdint>
#include <string_view>

namespace tandem::sip {

enum class HeaderId : uint8_t {
  kOther,
  kAccept,
  kAllow,
  kAllowEvents,
  kAuthenticationInfo,
  kAuthorization,
  kCallId,
  kContact,
  kContentEncoding,
  kContentLength,
  kContentType,
  kCSeq,
  kDate,
  kEvent,
  kExpires,
  kFrom,
  kIdentity,
  kMaxForwards,
  kMinExpires,
  kMinSe,
  kPath,
  kPrivacy,
  kProxyAuthenticate,
  kProxyAuthorization,
  kProxyRequire,
  kRAck,
  kReason,
  kRecordRoute,
  kReferredBy,
  kReferTo,
  kReplaces,
  kRequire,
  kRetryAfter,
  kRoute,
  kRSeq,
  kServer,
  kSessionExpires,
  kSubject,
  kSubscriptionState,
  kSupported,
  kTimestamp,
  kTo,
  kUnsupported,
  kUserAgent,
  kVia,
  kWarning,
  kWwwAuthenticate,
  kCount,
};

// HeaderId::kOther for unknown names. Accepts long and compact forms, in any case.
HeaderId header_id(std::string_view name);
// Canonical long name, e.g. "Call-ID", "CSeq", "WWW-Authenticate". Empty for kOther.
std::string_view canonical_name(HeaderId id);
// True for fields whose grammar is a comma-separated list (Via, Contact, Route, Supported, ...),
// so several header lines and several comma-separated values are the same thing.
bool is_list_header(HeaderId id);
// True for fields that must not appear more than once in a message (Call-ID, CSeq, From, ...).
bool is_single_header(HeaderId id);

}  // namespace tandem::sip
