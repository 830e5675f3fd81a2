// TOML text -> Config. Reports syntax errors, wrong types, out-of-range numbers, unknown names
// and unknown keys, all of them, each with its dotted key and line; semantic checks (addresses,
// URIs, files, cross-section rules) are config_validation's. Relative file paths are resolved
// against the configuration file's directory. Reads credentials.file too.
#pragma once

#include <string>
#include <string_view>

#include "app/config.hpp"
#include "app/config_error.hpp"

namespace tandem::app {

struct LoadedConfig {
  Config config;
  ConfigErrors errors;
};

// `name` appears in syntax errors; `base_dir` anchors relative paths ("" keeps them as written).
LoadedConfig load_config_text(std::string_view text, const std::string& name,
                              const std::string& base_dir = "");
LoadedConfig load_config_file(const std::string& path);

}  // namespace tandem::app
