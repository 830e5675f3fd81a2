#include "service_media/info_dtmf.hpp"

#include "common/text.hpp"
#include "rtp/telephone_event.hpp"

namespace tandem::pbx {

namespace {

// "5", "*", "d" or an event code "0".."15".
std::optional<char> signal_digit(std::string_view value) {
  value = trim(value);
  if (value.size() == 1) {
    if (auto code = rtp::dtmf_event(value[0])) return rtp::dtmf_char(*code);
    return std::nullopt;
  }
  if (auto code = parse_uint(value, 15)) return rtp::dtmf_char(static_cast<uint8_t>(*code));
  return std::nullopt;
}

std::string_view media_type(std::string_view content_type) {
  return trim(content_type.substr(0, content_type.find(';')));
}

}  // namespace

std::optional<InfoDigit> parse_info_dtmf(std::string_view content_type, std::string_view body) {
  const std::string_view type = media_type(content_type);
  if (iequals(type, "application/dtmf")) {
    auto digit = signal_digit(body);
    if (!digit) return std::nullopt;
    return InfoDigit{*digit, 0};
  }
  if (!iequals(type, "application/dtmf-relay")) return std::nullopt;
  std::optional<char> digit;
  uint32_t duration = 0;
  while (!body.empty()) {
    const size_t eol = body.find('\n');
    const std::string_view line = trim(body.substr(0, eol));
    body = eol == std::string_view::npos ? std::string_view{} : body.substr(eol + 1);
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = trim(line.substr(0, eq));
    const std::string_view value = trim(line.substr(eq + 1));
    if (iequals(name, "Signal")) {
      digit = signal_digit(value);
    } else if (iequals(name, "Duration")) {
      duration = static_cast<uint32_t>(parse_uint(value, 60000).value_or(0));
    }
  }
  if (!digit) return std::nullopt;
  return InfoDigit{*digit, duration};
}

}  // namespace tandem::pbx
