// Character classes and a small scanner for the RFC 3261 §25 grammar, shared by the URI and
// header parsers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tandem::sip {

bool is_alphanum(char c);
// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
bool is_token_char(char c);
// unreserved = alphanum / mark; mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"
bool is_unreserved(char c);
// word = token characters plus "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" /
// "?" / "{" / "}" (Call-ID).
bool is_word_char(char c);
bool is_token(std::string_view s);
bool is_hex_digit(char c);

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
  std::string_view take_until_any(std::string_view stops);  // up to (not including) a stop char
  // quoted-string starting at the opening DQUOTE; returns false if unterminated. The result is
  // the content with quoted-pairs resolved.
  bool quoted_string(std::string& out);

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

template <typename Fn>
void for_each_comma_item(std::string_view value, Fn&& fn) {
  bool in_quotes = false;
  int angle = 0;
  size_t start = 0;
  auto emit = [&](size_t end) {
    std::string_view item = value.substr(start, end - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) fn(item);
  };
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (in_quotes) {
      if (c == '\\' && i + 1 < value.size()) {
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      }
    } else if (c == '"') {
      in_quotes = true;
    } else if (c == '<') {
      ++angle;
    } else if (c == '>' && angle > 0) {
      --angle;
    } else if (c == ',' && angle == 0) {
      emit(i);
      start = i + 1;
    }
  }
  emit(value.size());
}

}  // namespace tandem::sip
