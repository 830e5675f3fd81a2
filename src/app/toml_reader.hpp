// Reads one TOML table into typed fields, recording every problem instead of throwing: a wrong
// type, a value out of range, a name not among the accepted ones, and — when finish() runs —
// every key nobody asked for (a typo must not be silently ignored). Errors carry the dotted key
// and the line. Values of secret keys are never echoed.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <toml.hpp>
#include <utility>
#include <vector>

#include "app/config_error.hpp"

namespace tandem::app {

using TomlValue = toml::basic_value<toml::discard_comments, std::map, std::vector>;

enum class Secret { kNo, kYes };

class TomlReader {
 public:
  // `table` must be a table; `path` is its dotted key ("" for the root).
  TomlReader(const TomlValue& table, std::string path, ConfigErrors& errors);

  void string(const char* key, std::string& out, Secret secret = Secret::kNo);
  void boolean(const char* key, bool& out);
  void integer(const char* key, int64_t& out, int64_t min, int64_t max);
  void port(const char* key, uint16_t& out, uint16_t min = 1);
  void duration(const char* key, std::chrono::seconds& out, std::chrono::seconds min,
                std::chrono::seconds max);
  void string_list(const char* key, std::vector<std::string>& out);

  template <typename E>
  void choice(const char* key, E& out, std::initializer_list<std::pair<const char*, E>> names) {
    const TomlValue* v = find(key);
    if (v == nullptr) return;
    if (v->is_string()) {
      for (const auto& [name, value] : names) {
        if (v->as_string().str == name) {
          out = value;
          return;
        }
      }
    }
    std::string accepted;
    for (const auto& [name, value] : names)
      accepted += (accepted.empty() ? "" : ", ") + std::string(name);
    fail(key, *v, "expected one of " + accepted);
  }

  // A sub-table (nullptr when absent or not a table, which is reported).
  const TomlValue* table(const char* key);
  // An array of tables (`[[key]]`); empty when absent; a wrong shape is reported.
  std::vector<const TomlValue*> tables(const char* key);

  // Reports the keys of this table that no accessor asked for.
  void finish();

  std::string key_path(const std::string& key) const;
  void error(const std::string& key, const std::string& message, uint32_t line = 0);

 private:
  const TomlValue* find(const char* key);
  void fail(const char* key, const TomlValue& v, const std::string& expected,
            Secret secret = Secret::kNo);

  const TomlValue& table_;
  std::string path_;
  ConfigErrors& errors_;
  std::set<std::string> seen_;
};

// "a string \"udp\"", "an integer 70000", "a table": how an error names the value it got.
std::string describe_toml_value(const TomlValue& v, Secret secret = Secret::kNo);

}  // namespace tandem::app
