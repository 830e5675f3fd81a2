// name-addr / addr-spec header values: From, To, Contact, Route, Record-Route, Path, Refer-To,
// Referred-By (RFC 3261 §20, §25.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "sip/params.hpp"
#include "sip/uri.hpp"

namespace tandem::sip {

struct NameAddr {
  std::string display_name;  // without quotes; empty when absent
  Uri uri;
  Params params;  // header parameters (after the URI), e.g. tag, expires, q

  // Empty when absent.
  std::string_view tag() const { return params.value("tag").value_or(""); }
  // Always writes the <...> form, quoting the display name when present.
  std::string to_string() const;
};

// A name-addr checked and split into views of its text (see UriView).
struct NameAddrView {
  std::string_view display_name;  // as written: quotes and quoted-pairs kept; empty when absent
  UriView uri;
  std::string_view params;  // header parameters as written, already checked
  std::string_view tag;     // empty when absent
};

// Parses one name-addr or addr-spec with its header parameters.
Result<NameAddrView> parse_name_addr_view(std::string_view value);
Result<NameAddr> parse_name_addr(std::string_view value);
NameAddr to_name_addr(const NameAddrView& view);

// A Contact header value: "*" or a list of contacts (RFC 3261 §20.10, RFC 5626 for
// +sip.instance and reg-id).
struct ContactList {
  bool wildcard = false;
  std::vector<NameAddr> contacts;
};

// Contact parameters that registrars and the outbound flow logic read.
std::optional<uint32_t> contact_expires(const NameAddr& contact);
std::optional<double> contact_q(const NameAddr& contact);
std::optional<std::string> contact_instance(const NameAddr& contact);  // without quotes
std::optional<uint32_t> contact_reg_id(const NameAddr& contact);

}  // namespace tandem::sip
