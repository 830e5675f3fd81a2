#include "app/duration_text.hpp"

#include "common/text.hpp"

namespace tandem::app {

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  constexpr uint64_t kMaxSeconds = 100ull * 365 * 24 * 3600;
  if (text.empty()) return std::nullopt;
  uint64_t unit = 1;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      unit = 0;
  }
  const std::string_view digits = unit == 0 ? text : text.substr(0, text.size() - 1);
  if (unit == 0) unit = 1;
  const auto n = parse_uint(digits, kMaxSeconds);
  if (!n || *n * unit > kMaxSeconds) return std::nullopt;
  return std::chrono::seconds(static_cast<int64_t>(*n * unit));
}

}  // namespace tandem::app
