#include "sdp/transport_attributes.hpp"

#include <fmt/format.h>

#include "common/text.hpp"
#include "sdp/scan.hpp"

namespace tandem::sdp {
namespace {

using detail::next_field;

Error fail(std::string_view attribute, std::string_view reason) {
  return Error{fmt::format("{}: {}", attribute, reason)};
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  const char lower = ascii_lower(c);
  if (lower >= 'a' && lower <= 'f') return lower - 'a' + 10;
  return -1;
}

}  // namespace

Result<Fingerprint> parse_fingerprint(std::string_view value) {
  std::string_view rest = value;
  Fingerprint f{std::string(next_field(rest)), std::string(next_field(rest))};
  if (f.hash_function.empty() || f.value.empty() || !rest.empty()) {
    return fail("fingerprint", "needs <hash function> <hex pairs>");
  }
  if (!detail::is_token(f.hash_function)) return fail("fingerprint", "bad hash function");
  if (fingerprint_bytes(f.value).empty()) {
    return fail("fingerprint", "value must be hex pairs separated by ':'");
  }
  return f;
}

std::string to_string(const Fingerprint& f) { return f.hash_function + ' ' + f.value; }

std::vector<uint8_t> fingerprint_bytes(std::string_view hex) {
  // "AB:CD:EF" is 3n-1 characters for n bytes.
  if (hex.size() < 2 || (hex.size() + 1) % 3 != 0) return {};
  std::vector<uint8_t> bytes;
  for (size_t i = 0; i < hex.size(); i += 3) {
    const int high = hex_digit(hex[i]);
    const int low = hex_digit(hex[i + 1]);
    if (high < 0 || low < 0 || (i + 2 < hex.size() && hex[i + 2] != ':')) return {};
    bytes.push_back(static_cast<uint8_t>(high * 16 + low));
  }
  return bytes;
}

std::optional<Setup> parse_setup(std::string_view value) {
  if (value == "active") return Setup::kActive;
  if (value == "passive") return Setup::kPassive;
  if (value == "actpass") return Setup::kActpass;
  if (value == "holdconn") return Setup::kHoldconn;
  return std::nullopt;
}

std::string_view to_string(Setup setup) {
  switch (setup) {
    case Setup::kActive:
      return "active";
    case Setup::kPassive:
      return "passive";
    case Setup::kHoldconn:
      return "holdconn";
    case Setup::kActpass:
      break;
  }
  return "actpass";
}

Result<Group> parse_group(std::string_view value) {
  std::string_view rest = value;
  Group g{std::string(next_field(rest)), {}};
  if (!detail::is_token(g.semantics)) return fail("group", "needs <semantics> <mid>...");
  while (!rest.empty()) g.mids.emplace_back(next_field(rest));
  return g;
}

std::string to_string(const Group& g) {
  std::string out = g.semantics;
  for (const std::string& mid : g.mids) out += ' ' + mid;
  return out;
}

std::vector<std::string> parse_ice_options(std::string_view value) {
  std::vector<std::string> options;
  std::string_view rest = value;
  while (!rest.empty()) {
    const std::string_view option = next_field(rest);
    if (!option.empty()) options.emplace_back(option);
  }
  return options;
}

Result<uint16_t> parse_sctp_port(std::string_view value) {
  const auto port = detail::parse_u16(trim(value));
  if (!port) return fail("sctp-port", "not a port number");
  return *port;
}

Result<uint64_t> parse_max_message_size(std::string_view value) {
  const auto size = parse_uint(trim(value));
  if (!size) return fail("max-message-size", "not a number");
  return *size;
}

}  // namespace tandem::sdp
