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

// A URI checked and split into views of the text it came from (valid while that text is). The
// parser's first pass: validating a message this way allocates nothing; Uri copies it.
struct UriView {
  Uri::Scheme scheme = Uri::Scheme::kSip;
  std::string_view scheme_name;  // as written
  std::string_view user;
  std::optional<std::string_view> password;
  std::string_view host;
  std::optional<uint16_t> port;
  std::string_view params;   // ";a=b;lr" as written, already checked; empty when none
  std::string_view headers;  // "a=b&c=d" (without the "?"), already checked; empty when none
  std::string_view opaque;   // kOther: everything after "scheme:"
};

// Parses a URI that spans all of `text`. Error columns are 1-based offsets into `text`.
Result<UriView> parse_uri_view(std::string_view text);
Result<Uri> parse_uri(std::string_view text);
Uri to_uri(const UriView& view);

// host [":" port], as in Via sent-by: a name, IPv4 address or "[IPv6]".
struct HostPort {
  std::string host;
  std::optional<uint16_t> port;
};
Result<HostPort> parse_host_port(std::string_view text);
// host = hostname / IPv4address / IPv6reference (with its brackets).
bool is_valid_host(std::string_view host);

// URI equivalence per RFC 3261 §19.1.4 (sip/sips) and RFC 3966 §4 (tel); other schemes compare
// as case-insensitive text.
bool equivalent(const Uri& a, const Uri& b);

}  // namespace tandem::sip
