// URI equivalence: RFC 3261 §19.1.4 for sip/sips, RFC 3966 §4 for tel.
#include <algorithm>

#include "common/text.hpp"
#include "sip/grammar.hpp"
#include "sip/uri.hpp"

namespace tandem::sip {
namespace {

constexpr std::string_view kReserved = ";/?:@&=+$,";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return ascii_lower(c) - 'a' + 10;
}

// "%61" and "a" are the same character, but an escaped reserved character is not the same as
// the literal one (§19.1.4), so those stay escaped (with upper-case hex).
std::string canonical(std::string_view s, bool fold_case) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && is_hex_digit(s[i + 1]) && is_hex_digit(s[i + 2])) {
      const char c = static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      if (kReserved.find(c) != std::string_view::npos) {
        out += {'%', static_cast<char>(toupper(s[i + 1])), static_cast<char>(toupper(s[i + 2]))};
      } else {
        out.push_back(fold_case ? ascii_lower(c) : c);
      }
      i += 2;
    } else {
      out.push_back(fold_case ? ascii_lower(s[i]) : s[i]);
    }
  }
  return out;
}

bool same_value(const Param& a, const Param& b) {
  if (a.value.has_value() != b.value.has_value()) return false;
  return !a.value || canonical(*a.value, true) == canonical(*b.value, true);
}

// Parameters present in both must match; user, ttl, method, maddr and transport must be in both
// or neither. Parameters present in only one URI are otherwise ignored.
bool params_match(const Params& a, const Params& b) {
  static constexpr std::string_view kMustMatch[] = {"user", "ttl", "method", "maddr", "transport"};
  for (std::string_view name : kMustMatch) {
    if (a.has(name) != b.has(name)) return false;
  }
  for (const Param& pa : a.items()) {
    const Param* pb = b.find(pa.name);
    if (pb != nullptr && !same_value(pa, *pb)) return false;
  }
  return true;
}

// Header components must all be present in both, in any order.
bool headers_match(const Uri& a, const Uri& b) {
  if (a.headers.size() != b.headers.size()) return false;
  for (const auto& [name, value] : a.headers) {
    auto it = std::find_if(b.headers.begin(), b.headers.end(), [&](const auto& h) {
      return canonical(h.first, true) == canonical(name, true);
    });
    if (it == b.headers.end() || canonical(it->second, false) != canonical(value, false)) {
      return false;
    }
  }
  return true;
}

std::string tel_digits(std::string_view number) {
  std::string out;
  for (char c : canonical(number, true)) {
    if (c != '-' && c != '.' && c != '(' && c != ')') out.push_back(c);
  }
  return out;
}

bool tel_params_match(const Params& a, const Params& b) {
  if (a.size() != b.size()) return false;
  for (const Param& pa : a.items()) {
    const Param* pb = b.find(pa.name);
    if (pb == nullptr || !same_value(pa, *pb)) return false;
  }
  return true;
}

}  // namespace

bool equivalent(const Uri& a, const Uri& b) {
  if (a.scheme != b.scheme) return false;
  switch (a.scheme) {
    case Uri::Scheme::kOther:
      return a.scheme_name == b.scheme_name && iequals(a.opaque, b.opaque);
    case Uri::Scheme::kTel:
      return tel_digits(a.user) == tel_digits(b.user) && tel_params_match(a.params, b.params);
    case Uri::Scheme::kSip:
    case Uri::Scheme::kSips:
      break;
  }
  // User info is case-sensitive; everything else is not.
  if (canonical(a.user, false) != canonical(b.user, false)) return false;
  if (a.password.has_value() != b.password.has_value()) return false;
  if (a.password && canonical(*a.password, false) != canonical(*b.password, false)) return false;
  if (!iequals(a.host, b.host) || a.port != b.port) return false;
  return params_match(a.params, b.params) && headers_match(a, b);
}

}  // namespace tandem::sip
