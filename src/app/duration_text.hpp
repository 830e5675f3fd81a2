// Durations as people write them in the config file and on the command line: "90s", "15m",
// "12h", "7d", or a bare number of seconds.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace tandem::app {

// Empty optional for anything else (negative, fractional, unknown unit, overflow beyond 100 years).
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace tandem::app
