// `tandem check-config FILE`: loads and validates a configuration without starting anything and
// prints "OK" with a short summary (exit 0) or every error found (exit 1).
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>

#include "app/config_loader.hpp"

namespace tandem::app {

// Loading and semantic validation together, as start-up runs them. A validation error about a
// key that already failed to load is dropped (it would only repeat the same problem).
LoadedConfig load_and_validate(const std::string& path);

CLI::App* add_check_config_subcommand(CLI::App& app, std::string& path);
int run_check_config(const std::string& path, std::ostream& out, std::ostream& err);

// The summary check-config prints after OK.
void print_config_summary(const Config& config, std::ostream& out);

}  // namespace tandem::app
