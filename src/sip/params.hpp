// Ordered `;name[=value]` parameter lists, as found in URIs, Via, name-addr headers and more.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "sip/grammar.hpp"

namespace tandem::sip {

struct Param {
  std::string name;
  // As written: escaping and quotes preserved, so output equals input. Absent for `;lr`.
  std::optional<std::string> value;
};

// Names compare case-insensitively; order is preserved for output.
class Params {
 public:
  const Param* find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }
  // The value as written; empty optional when the parameter is absent or has no value.
  std::optional<std::string_view> value(std::string_view name) const;
  // The value with surrounding quotes and quoted-pairs removed.
  std::optional<std::string> unquoted(std::string_view name) const;

  // Replaces the first parameter of that name, or appends it.
  void set(std::string_view name, std::optional<std::string> value = std::nullopt);
  bool remove(std::string_view name);
  void push_back(Param p) { items_.push_back(std::move(p)); }

  const std::vector<Param>& items() const { return items_; }
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }

  // Writes `;a=b;c` (each parameter preceded by `separator`).
  void append_to(std::string& out, char separator = ';') const;

 private:
  std::vector<Param> items_;
};

// Scans header parameters: *( SWS ";" SWS token [ SWS "=" SWS (token / host / quoted-string) ] )
// up to the end of the scanner or a character that cannot continue them, calling
// on_param(name, value) for each (value as written, quotes kept; absent for `;lr`). Building a
// Params and merely checking share this one grammar; checking allocates nothing. On error the
// reason names the offending parameter; the scanner position marks where it happened.
template <typename OnParam>
Status scan_header_params(Scanner& s, OnParam&& on_param);

// The same, appending to `out`.
Status parse_header_params(Scanner& scanner, Params& out);

// Appends parameters from text that scan_header_params already accepted.
void append_header_params(std::string_view checked, Params& out);

namespace detail {
constexpr bool is_param_value_char(char c) {
  return is_token_char(c) || c == ':' || c == '[' || c == ']';
}
}  // namespace detail

template <typename OnParam>
Status scan_header_params(Scanner& s, OnParam&& on_param) {
  while (s.consume_sep(';')) {
    const std::string_view name = s.token();
    if (name.empty()) return Error{"expected a parameter name after ';'"};
    std::optional<std::string_view> value;
    if (s.consume_sep('=')) {
      const std::string_view rest = s.rest();
      const size_t start = s.pos();
      if (s.peek() == '"') {
        if (!s.skip_quoted_string()) {
          return Error{"unterminated quoted string in parameter '" + std::string(name) + "'"};
        }
      } else {
        while (!s.at_end() && detail::is_param_value_char(s.peek())) s.advance();
      }
      if (s.pos() == start)
        return Error{"parameter '" + std::string(name) + "' has an empty value"};
      value = rest.substr(0, s.pos() - start);
    }
    if (Status st = on_param(name, value); !st) return st;
  }
  return Ok{};
}

}  // namespace tandem::sip
