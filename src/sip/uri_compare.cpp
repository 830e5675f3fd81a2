// URI equivalence: RFC 3261 §19.1.4 for sip/sips, RFC 3966 §4 for tel.
#include <algorithm>
#include <compare>
#include <optional>
#include <string>
#include <vector>

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

// Identical text needs no canonical forms; this keeps the common case (a URI compared with its
// own echo) linear and allocation-free.
bool identical(const Params& a, const Params& b) {
  return std::equal(
      a.items().begin(), a.items().end(), b.items().begin(), b.items().end(),
      [](const Param& x, const Param& y) { return x.name == y.name && x.value == y.value; });
}

// A parameter with its name and value in canonical form: escapes resolved, case folded.
struct CanonicalParam {
  std::string name;
  std::optional<std::string> value;
  auto operator<=>(const CanonicalParam&) const = default;
};

std::vector<CanonicalParam> canonical_params(const Params& params) {
  std::vector<CanonicalParam> out;
  out.reserve(params.size());
  for (const Param& p : params.items()) {
    out.push_back({canonical(p.name, true),
                   p.value ? std::optional(canonical(*p.value, true)) : std::nullopt});
  }
  return out;
}

// The first parameter of each name (as Params::find would return it), sorted by name, so
// lookups stay O(log n) however many parameters a URI carries.
std::vector<CanonicalParam> first_of_each_name(const Params& params) {
  std::vector<CanonicalParam> out = canonical_params(params);
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& x, const auto& y) { return x.name < y.name; });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const auto& x, const auto& y) { return x.name == y.name; }),
            out.end());
  return out;
}

const CanonicalParam* find_sorted(const std::vector<CanonicalParam>& sorted,
                                  std::string_view name) {
  auto it =
      std::lower_bound(sorted.begin(), sorted.end(), name,
                       [](const CanonicalParam& p, std::string_view n) { return p.name < n; });
  return it != sorted.end() && it->name == name ? &*it : nullptr;
}

// Parameters present in both must match; user, ttl, method, maddr and transport must be in both
// or neither. Parameters present in only one URI are otherwise ignored. Names compare after
// unescaping; when a name repeats, its first occurrence counts.
bool params_match(const Params& a, const Params& b) {
  static constexpr std::string_view kMustMatch[] = {"user", "ttl", "method", "maddr", "transport"};
  if (identical(a, b)) return true;
  const std::vector<CanonicalParam> pa = first_of_each_name(a);
  const std::vector<CanonicalParam> pb = first_of_each_name(b);
  for (std::string_view name : kMustMatch) {
    if ((find_sorted(pa, name) == nullptr) != (find_sorted(pb, name) == nullptr)) return false;
  }
  for (const CanonicalParam& p : pa) {
    const CanonicalParam* other = find_sorted(pb, p.name);
    if (other != nullptr && other->value != p.value) return false;
  }
  return true;
}

// Header components must all be present in both, in any order: the same multiset of
// (name, value) pairs, names case-insensitive and values case-sensitive.
bool headers_match(const Uri& a, const Uri& b) {
  if (a.headers.size() != b.headers.size()) return false;
  if (a.headers == b.headers) return true;
  auto canonical_headers = [](const Uri& u) {
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(u.headers.size());
    for (const auto& h : u.headers) {
      out.emplace_back(canonical(h.first, true), canonical(h.second, false));
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  return canonical_headers(a) == canonical_headers(b);
}

std::string tel_digits(std::string_view number) {
  std::string out;
  for (char c : canonical(number, true)) {
    if (c != '-' && c != '.' && c != '(' && c != ')') out.push_back(c);
  }
  return out;
}

// RFC 3966 §4: the same parameters, in any order.
bool tel_params_match(const Params& a, const Params& b) {
  if (a.size() != b.size()) return false;
  if (identical(a, b)) return true;
  std::vector<CanonicalParam> pa = canonical_params(a);
  std::vector<CanonicalParam> pb = canonical_params(b);
  std::sort(pa.begin(), pa.end());
  std::sort(pb.begin(), pb.end());
  return pa == pb;
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
