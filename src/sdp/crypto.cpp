#include "sdp/crypto.hpp"

#include <fmt/format.h>

#include "common/text.hpp"
#include "sdp/scan.hpp"

namespace tandem::sdp {
namespace {

Error fail(std::string_view reason) { return Error{fmt::format("crypto: {}", reason)}; }

// lifetime = ["2^"] 1*DIGIT (RFC 4568 §9.2).
bool is_lifetime(std::string_view s) {
  if (s.starts_with("2^")) s.remove_prefix(2);
  return parse_uint(s).has_value();
}

bool is_base64(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/' || c == '=';
    if (!ok) return false;
  }
  return true;
}

Status parse_mki(std::string_view text, CryptoKey& key) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return fail("MKI needs <value>:<length>");
  const auto value = detail::parse_u32(text.substr(0, colon));
  const auto length = detail::parse_u32(text.substr(colon + 1), 128);
  if (!value || !length || *length == 0) return fail("bad MKI");
  key.mki_value = *value;
  key.mki_length = *length;
  return Ok{};
}

// "inline:key||salt|lifetime|mki:len"; the lifetime and the MKI are both optional and the MKI
// is the one with a ':'.
Result<CryptoKey> parse_key(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == 0 || colon == std::string_view::npos) return fail("key-param needs <method>:<info>");
  CryptoKey key{std::string(text.substr(0, colon)), "", std::nullopt, std::nullopt, std::nullopt};
  std::string_view info = text.substr(colon + 1);
  if (key.method != "inline") {
    if (info.empty()) return fail("empty key info");
    key.key_salt = std::string(info);
    return key;
  }
  const size_t bar = info.find('|');
  key.key_salt = std::string(info.substr(0, bar));
  if (!is_base64(key.key_salt)) return fail("key||salt is not base64");
  info.remove_prefix(bar == std::string_view::npos ? info.size() : bar + 1);
  for (int part = 0; part < 2 && bar != std::string_view::npos; ++part) {
    const size_t next = info.find('|');
    const std::string_view item = info.substr(0, next);
    if (item.find(':') != std::string_view::npos) {
      if (next != std::string_view::npos) return fail("text after the MKI");
      if (Status s = parse_mki(item, key); !s) return s.error();
      return key;
    }
    if (key.lifetime || !is_lifetime(item)) return fail("bad key lifetime");
    key.lifetime = std::string(item);
    if (next == std::string_view::npos) return key;
    info.remove_prefix(next + 1);
  }
  if (bar != std::string_view::npos) return fail("too many '|' fields in key info");
  return key;
}

}  // namespace

Result<Crypto> parse_crypto(std::string_view value) {
  std::string_view rest = value;
  const std::string_view tag_text = detail::next_field(rest);
  const std::string_view suite = detail::next_field(rest);
  std::string_view key_params = detail::next_field(rest);
  const auto tag = detail::parse_u32(tag_text, 999999999);
  if (!tag || tag_text.size() > 9) return fail("tag must be 1-9 digits");
  if (!detail::is_token(suite) || key_params.empty()) {
    return fail("needs <tag> <crypto-suite> <key-params>");
  }
  Crypto c{*tag, std::string(suite), {}, {}};
  while (!key_params.empty()) {
    const size_t semi = key_params.find(';');
    Result<CryptoKey> key = parse_key(key_params.substr(0, semi));
    if (!key) return key.error();
    c.keys.push_back(std::move(key).value());
    key_params.remove_prefix(semi == std::string_view::npos ? key_params.size() : semi + 1);
  }
  while (!rest.empty()) c.session_parameters.emplace_back(detail::next_field(rest));
  return c;
}

std::string to_string(const Crypto& c) {
  std::string out = fmt::format("{} {} ", c.tag, c.suite);
  for (size_t i = 0; i < c.keys.size(); ++i) {
    const CryptoKey& k = c.keys[i];
    if (i > 0) out += ';';
    out += k.method + ':' + k.key_salt;
    if (k.lifetime) out += '|' + *k.lifetime;
    if (k.mki_value && k.mki_length) out += fmt::format("|{}:{}", *k.mki_value, *k.mki_length);
  }
  for (const std::string& p : c.session_parameters) out += ' ' + p;
  return out;
}

}  // namespace tandem::sdp
