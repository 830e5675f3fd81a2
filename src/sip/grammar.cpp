#include "sip/grammar.hpp"

#include <array>

namespace tandem::sip {
namespace {

enum : uint8_t { kAlnum = 1, kToken = 2, kUnreserved = 4, kWord = 8, kHex = 16 };

constexpr std::array<uint8_t, 256> make_classes() {
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

constexpr auto kClasses = make_classes();

bool has(char c, uint8_t bit) { return (kClasses[static_cast<unsigned char>(c)] & bit) != 0; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

}  // namespace

bool is_alphanum(char c) { return has(c, kAlnum); }
bool is_token_char(char c) { return has(c, kToken); }
bool is_unreserved(char c) { return has(c, kUnreserved); }
bool is_word_char(char c) { return has(c, kWord); }
bool is_hex_digit(char c) { return has(c, kHex); }

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_token_char(c)) return false;
  }
  return true;
}

std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && is_hex_digit(s[i + 1]) && is_hex_digit(s[i + 2])) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

void Scanner::skip_ws() {
  while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
}

bool Scanner::consume(char c) {
  if (peek() != c || at_end()) return false;
  ++pos_;
  return true;
}

bool Scanner::consume_sep(char c) {
  const size_t saved = pos_;
  skip_ws();
  if (!consume(c)) {
    pos_ = saved;
    return false;
  }
  skip_ws();
  return true;
}

std::string_view Scanner::token() {
  const size_t start = pos_;
  while (!at_end() && is_token_char(text_[pos_])) ++pos_;
  return text_.substr(start, pos_ - start);
}

std::string_view Scanner::take_until_any(std::string_view stops) {
  const size_t start = pos_;
  while (!at_end() && stops.find(text_[pos_]) == std::string_view::npos) ++pos_;
  return text_.substr(start, pos_ - start);
}

bool Scanner::quoted_string(std::string& out) {
  if (!consume('"')) return false;
  out.clear();
  while (!at_end()) {
    const char c = text_[pos_++];
    if (c == '"') return true;
    if (c == '\\') {
      if (at_end()) return false;
      out.push_back(text_[pos_++]);
    } else {
      out.push_back(c);
    }
  }
  return false;
}

}  // namespace tandem::sip
