// SIP, SIPS and tel URIs (RFC 3261 §19.1, RFC 3966), plus opaque absolute URIs of other schemes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "sip/params.hpp"

namespace tandem::sip {

class Uri {
 public:
  enum class Scheme { kSip, kSips, kTel, kOther };

  Scheme scheme = Scheme::kSip;
  std::string scheme_name = "sip";  // lower case; the only field set for kOther besides `opaque`
  // Components keep their %-escapes as written, so output equals input; compare with equivalent().
  std::string user;  // sip/sips user part, or the tel number
  std::optional<std::string> password;
  std::string host;  // name, IPv4 address, or "[IPv6]" with its brackets
  std::optional<uint16_t> port;
  Params params;
  std::vector<std::pair<std::string, std::string>> headers;  // `?a=b&c=d`
  std::string opaque;  // everything after "scheme:" for kOther

  bool is_sip() const { return scheme == Scheme::kSip || scheme == Scheme::kSips; }
  // `transport` parameter in lower case, empty when absent.
  std::string transport() const;
  std::string to_string() const;
};

// Parses a URI that spans all of `text`. Error columns are 1-based offsets into `text`.
Result<Uri> parse_uri(std::string_view text);

// host [":" port], as in Via sent-by: a name, IPv4 address or "[IPv6]".
struct HostPort {
  std::string host;
  std::optional<uint16_t> port;
};
Result<HostPort> parse_host_port(std::string_view text);

// URI equivalence per RFC 3261 §19.1.4 (sip/sips) and RFC 3966 §4 (tel); other schemes compare
// as case-insensitive text.
bool equivalent(const Uri& a, const Uri& b);

}  // namespace tandem::sip
