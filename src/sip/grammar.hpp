// Character classes and a small scanner for the RFC 3261 §25 grammar, shared by the URI and
// header parsers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tandem::sip {

namespace detail {

enum : uint8_t { kAlnum = 1, kToken = 2, kUnreserved = 4, kWord = 8, kHex = 16 };

constexpr std::array<uint8_t, 256> make_char_classes() {
  std::array<uint8_t, 256> t{};
  auto add = [&t](std::string_view chars, uint8_t bits) {
    for (char c : chars) t[static_cast<unsigned char>(c)] |= bits;
  };
  for (int c = '0'; c <= '9'; ++c) t[c] |= kAlnum | kToken | kUnreserved | kWord | kHex;
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= kAlnum | kToken | kUnreserved | kWord;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] |= kAlnum | kToken | kUnreserved | kWord;
  add("abcdefABCDEF", kHex);
  add("-.!%*_+`'~", kToken | kWord);
  add("-_.!~*'()", kUnreserved);
  add("()<>:\\\"/[]?{}", kWord);
  return t;
}

inline constexpr std::array<uint8_t, 256> kCharClasses = make_char_classes();

constexpr bool has_class(char c, uint8_t bits) {
  return (kCharClasses[static_cast<unsigned char>(c)] & bits) != 0;
}

}  // namespace detail

// Inline: these run once per input character.
constexpr bool is_alphanum(char c) { return detail::has_class(c, detail::kAlnum); }
// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
constexpr bool is_token_char(char c) { return detail::has_class(c, detail::kToken); }
// unreserved = alphanum / mark; mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"
constexpr bool is_unreserved(char c) { return detail::has_class(c, detail::kUnreserved); }
// word = token characters plus "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" /
// "?" / "{" / "}" (Call-ID).
constexpr bool is_word_char(char c) { return detail::has_class(c, detail::kWord); }
constexpr bool is_hex_digit(char c) { return detail::has_class(c, detail::kHex); }
constexpr bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_token_char(c)) return false;
  }
  return true;
}

// Decodes %XX escapes. Malformed escapes are kept literally (validation happens on parse).
std::string unescape(std::string_view s);

// Splits a header value at top-level commas: never inside a quoted string or <...>.
// Empty elements are kept out. Results are trimmed.
template <typename Fn>
void for_each_comma_item(std::string_view value, Fn&& fn);

// Cursor over a header value that has already been unfolded.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ >= text_.size(); }
  size_t pos() const { return pos_; }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  std::string_view rest() const { return text_.substr(pos_); }
  void advance(size_t n = 1) { pos_ = pos_ + n > text_.size() ? text_.size() : pos_ + n; }

  void skip_ws();            // SP / HTAB
  bool consume(char c);      // the character, if next
  bool consume_sep(char c);  // SWS c SWS, if c is next after optional whitespace
  std::string_view token();  // empty when none
  // Up to (not including) the first of `stops`, a handful of characters.
  std::string_view take_until_any(std::string_view stops) {
    const size_t start = pos_;
    for (; pos_ < text_.size(); ++pos_) {
      for (char stop : stops) {
        if (text_[pos_] == stop) return text_.substr(start, pos_ - start);
      }
    }
    return text_.substr(start);
  }
  // quoted-string starting at the opening DQUOTE; returns false if unterminated. The result is
  // the content with quoted-pairs resolved.
  bool quoted_string(std::string& out);
  // The same without keeping the content.
  bool skip_quoted_string();

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// Offset of the first comma at or after `from` outside quotes and <...>, or value.size().
size_t find_top_level_comma(std::string_view value, size_t from = 0);

// The first comma-separated item, trimmed (may be empty).
std::string_view first_comma_item(std::string_view value);

template <typename Fn>
void for_each_comma_item(std::string_view value, Fn&& fn) {
  size_t start = 0;
  while (start <= value.size()) {
    const size_t end = find_top_level_comma(value, start);
    std::string_view item = value.substr(start, end - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) fn(item);
    start = end + 1;
  }
}

}  // namespace tandem::sip
