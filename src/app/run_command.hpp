// `tandem --config FILE`: load and validate the configuration (every error reported, as
// check-config does), set up logging ([logging]), build the gateway and run it until
// SIGTERM/SIGINT.
#pragma once

#include <iosfwd>
#include <string>

#include "app/config.hpp"

namespace tandem::app {

// Exit status: 0 after a graceful shutdown, 1 for a configuration or start-up error (printed to
// `err`, naming the key or the address).
int run_gateway(const std::string& config_path, std::ostream& out, std::ostream& err);

// Points spdlog's default logger at [logging] (level, text or JSON lines, stderr or a file).
// False (and why in `error`) when the log file cannot be opened.
bool set_up_logging(const LoggingConfig& logging, std::string& error);

}  // namespace tandem::app
