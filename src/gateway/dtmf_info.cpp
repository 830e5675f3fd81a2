#include "gateway/dtmf_info.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

#include "common/text.hpp"

namespace tandem::gateway {
namespace {

constexpr std::chrono::milliseconds kMinDuration{40};
constexpr std::chrono::milliseconds kMaxDuration{5000};
constexpr std::chrono::milliseconds kDefaultDuration{160};

// "5", "*", "#", "A".."D" (either case); RFC 4733 events 10/11 written as numbers ("10" = '*').
std::optional<char> digit_of(std::string_view text) {
  text = trim(text);
  if (text.size() == 1) {
    const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    if ((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D')) return c;
    return std::nullopt;
  }
  if (text == "10") return '*';
  if (text == "11") return '#';
  return std::nullopt;
}

std::chrono::milliseconds clamp_duration(std::string_view text) {
  text = trim(text);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return kDefaultDuration;
  return std::clamp(std::chrono::milliseconds(value), kMinDuration, kMaxDuration);
}

std::optional<DtmfDigit> parse_relay(std::string_view body) {
  std::optional<char> digit;
  std::chrono::milliseconds duration = kDefaultDuration;
  while (!body.empty()) {
    const size_t eol = body.find('\n');
    std::string_view line = body.substr(0, eol);
    body = eol == std::string_view::npos ? std::string_view{} : body.substr(eol + 1);
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = trim(line.substr(0, eq));
    if (iequals(name, "Signal")) {
      digit = digit_of(line.substr(eq + 1));
      if (!digit) return std::nullopt;
    } else if (iequals(name, "Duration")) {
      duration = clamp_duration(line.substr(eq + 1));
    }
  }
  if (!digit) return std::nullopt;
  return DtmfDigit{*digit, duration};
}

}  // namespace

std::optional<DtmfDigit> parse_dtmf_info(std::string_view content_type, std::string_view body) {
  std::string_view type = trim(content_type.substr(0, content_type.find(';')));
  if (iequals(type, "application/dtmf-relay")) return parse_relay(body);
  if (iequals(type, "application/dtmf")) {
    auto digit = digit_of(body);
    if (!digit) return std::nullopt;
    return DtmfDigit{*digit, kDefaultDuration};
  }
  return std::nullopt;
}

}  // namespace tandem::gateway
