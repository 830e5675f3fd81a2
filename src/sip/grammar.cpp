#include "sip/grammar.hpp"

#include <array>

namespace tandem::sip {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

}  // namespace

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

size_t find_top_level_comma(std::string_view value, size_t from) {
  bool in_quotes = false;
  int angle = 0;
  for (size_t i = from; i < value.size(); ++i) {
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
      return i;
    }
  }
  return value.size();
}

std::string_view first_comma_item(std::string_view value) {
  std::string_view item = value.substr(0, find_top_level_comma(value));
  while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
  while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
  return item;
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

bool Scanner::skip_quoted_string() {
  if (!consume('"')) return false;
  while (!at_end()) {
    const char c = text_[pos_++];
    if (c == '"') return true;
    if (c == '\\') {
      if (at_end()) return false;
      ++pos_;
    }
  }
  return false;
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
