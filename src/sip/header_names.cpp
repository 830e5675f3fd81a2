#include "sip/header_names.hpp"

#include <array>

#include "common/text.hpp"

namespace tandem::sip {
namespace {

enum Kind : uint8_t { kPlain = 0, kList = 1, kSingle = 2 };

struct Entry {
  HeaderId id;
  std::string_view name;
  char compact;  // '\0' when the field has no compact form
  uint8_t kind;
};

constexpr Entry kEntries[] = {
    {HeaderId::kAccept, "Accept", '\0', kList},
    {HeaderId::kAllow, "Allow", '\0', kList},
    {HeaderId::kAllowEvents, "Allow-Events", 'u', kList},
    {HeaderId::kAuthenticationInfo, "Authentication-Info", '\0', kPlain},
    {HeaderId::kAuthorization, "Authorization", '\0', kPlain},
    {HeaderId::kCallId, "Call-ID", 'i', kSingle},
    {HeaderId::kContact, "Contact", 'm', kList},
    {HeaderId::kContentEncoding, "Content-Encoding", 'e', kList},
    {HeaderId::kContentLength, "Content-Length", 'l', kSingle},
    {HeaderId::kContentType, "Content-Type", 'c', kSingle},
    {HeaderId::kCSeq, "CSeq", '\0', kSingle},
    {HeaderId::kDate, "Date", '\0', kSingle},
    {HeaderId::kEvent, "Event", 'o', kSingle},
    {HeaderId::kExpires, "Expires", '\0', kSingle},
    {HeaderId::kFrom, "From", 'f', kSingle},
    {HeaderId::kIdentity, "Identity", 'y', kPlain},
    {HeaderId::kMaxForwards, "Max-Forwards", '\0', kSingle},
    {HeaderId::kMinExpires, "Min-Expires", '\0', kSingle},
    {HeaderId::kMinSe, "Min-SE", '\0', kSingle},
    {HeaderId::kPath, "Path", '\0', kList},
    {HeaderId::kPrivacy, "Privacy", '\0', kPlain},
    {HeaderId::kProxyAuthenticate, "Proxy-Authenticate", '\0', kPlain},
    {HeaderId::kProxyAuthorization, "Proxy-Authorization", '\0', kPlain},
    {HeaderId::kProxyRequire, "Proxy-Require", '\0', kList},
    {HeaderId::kRAck, "RAck", '\0', kSingle},
    {HeaderId::kReason, "Reason", '\0', kList},
    {HeaderId::kRecordRoute, "Record-Route", '\0', kList},
    {HeaderId::kReferredBy, "Referred-By", 'b', kSingle},
    {HeaderId::kReferTo, "Refer-To", 'r', kSingle},
    {HeaderId::kReplaces, "Replaces", '\0', kSingle},
    {HeaderId::kRequire, "Require", '\0', kList},
    {HeaderId::kRetryAfter, "Retry-After", '\0', kSingle},
    {HeaderId::kRoute, "Route", '\0', kList},
    {HeaderId::kRSeq, "RSeq", '\0', kSingle},
    {HeaderId::kServer, "Server", '\0', kPlain},
    {HeaderId::kSessionExpires, "Session-Expires", 'x', kSingle},
    {HeaderId::kSubject, "Subject", 's', kPlain},
    {HeaderId::kSubscriptionState, "Subscription-State", '\0', kSingle},
    {HeaderId::kSupported, "Supported", 'k', kList},
    {HeaderId::kTimestamp, "Timestamp", '\0', kSingle},
    {HeaderId::kTo, "To", 't', kSingle},
    {HeaderId::kUnsupported, "Unsupported", '\0', kList},
    {HeaderId::kUserAgent, "User-Agent", '\0', kPlain},
    {HeaderId::kVia, "Via", 'v', kList},
    {HeaderId::kWarning, "Warning", '\0', kList},
    {HeaderId::kWwwAuthenticate, "WWW-Authenticate", '\0', kPlain},
};

static_assert(std::size(kEntries) == static_cast<size_t>(HeaderId::kCount) - 1,
              "every HeaderId needs an entry");

constexpr std::array<const Entry*, static_cast<size_t>(HeaderId::kCount)> make_index() {
  std::array<const Entry*, static_cast<size_t>(HeaderId::kCount)> index{};
  for (const Entry& e : kEntries) index[static_cast<size_t>(e.id)] = &e;
  return index;
}

constexpr auto kById = make_index();

// Entries grouped by lower-case first letter, so a lookup compares against a few names only.
constexpr size_t kMaxPerLetter = 12;
struct Bucket {
  std::array<const Entry*, kMaxPerLetter> entries{};
  size_t count = 0;
};

constexpr std::array<Bucket, 26> make_buckets() {
  std::array<Bucket, 26> buckets{};
  for (const Entry& e : kEntries) {
    Bucket& b = buckets[static_cast<size_t>(ascii_lower(e.name[0]) - 'a')];
    b.entries[b.count++] = &e;  // a compile error here means kMaxPerLetter is too small
  }
  return buckets;
}

constexpr auto kByLetter = make_buckets();

// Compact forms by letter: HeaderId::kOther where a letter has none.
constexpr std::array<HeaderId, 26> make_compact() {
  std::array<HeaderId, 26> out{};
  for (const Entry& e : kEntries) {
    if (e.compact != '\0') out[static_cast<size_t>(e.compact - 'a')] = e.id;
  }
  return out;
}

constexpr auto kByCompact = make_compact();

}  // namespace

HeaderId header_id(std::string_view name) {
  if (name.empty()) return HeaderId::kOther;
  const char first = ascii_lower(name[0]);
  if (first < 'a' || first > 'z') return HeaderId::kOther;
  const size_t letter = static_cast<size_t>(first - 'a');
  if (name.size() == 1) return kByCompact[letter];
  const Bucket& bucket = kByLetter[letter];
  for (size_t i = 0; i < bucket.count; ++i) {
    const Entry& e = *bucket.entries[i];
    if (e.name.size() == name.size() && iequals(e.name, name)) return e.id;
  }
  return HeaderId::kOther;
}

std::string_view canonical_name(HeaderId id) {
  const Entry* e = kById[static_cast<size_t>(id)];
  return e == nullptr ? std::string_view() : e->name;
}

bool is_list_header(HeaderId id) {
  const Entry* e = kById[static_cast<size_t>(id)];
  return e != nullptr && e->kind == kList;
}

bool is_single_header(HeaderId id) {
  const Entry* e = kById[static_cast<size_t>(id)];
  return e != nullptr && e->kind == kSingle;
}

}  // namespace tandem::sip
