#include "app/toml_reader.hpp"

#include <sstream>

#include "app/duration_text.hpp"

namespace tandem::app {

namespace {

constexpr size_t kMaxShown = 60;

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char c : s.substr(0, kMaxShown)) {
    if (c == '"' || c == '\\') out += '\\';
    out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
  }
  if (s.size() > kMaxShown) out += "...";
  return out + "\"";
}

uint32_t line_of(const TomlValue& v) { return static_cast<uint32_t>(v.location().line()); }

}  // namespace

std::string describe_toml_value(const TomlValue& v, Secret secret) {
  if (secret == Secret::kYes) return "a value of type " + toml::stringize(v.type()) + " (hidden)";
  switch (v.type()) {
    case toml::value_t::string:
      return "the string " + quoted(v.as_string().str);
    case toml::value_t::integer:
      return "the integer " + std::to_string(v.as_integer());
    case toml::value_t::boolean:
      return v.as_boolean() ? "true" : "false";
    case toml::value_t::floating: {
      std::ostringstream os;
      os << v.as_floating();
      return "the float " + os.str();
    }
    case toml::value_t::array:
      return "an array of " + std::to_string(v.as_array().size());
    case toml::value_t::table:
      return "a table";
    default:
      return "a " + toml::stringize(v.type());
  }
}

TomlReader::TomlReader(const TomlValue& table, std::string path, ConfigErrors& errors)
    : table_(table), path_(std::move(path)), errors_(errors) {}

std::string TomlReader::key_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

void TomlReader::error(const std::string& key, const std::string& message, uint32_t line) {
  errors_.push_back(ConfigError{key_path(key), message, line});
}

const TomlValue* TomlReader::find(const char* key) {
  seen_.insert(key);
  const auto& t = table_.as_table();
  const auto it = t.find(key);
  return it == t.end() ? nullptr : &it->second;
}

void TomlReader::fail(const char* key, const TomlValue& v, const std::string& expected,
                      Secret secret) {
  error(key, "got " + describe_toml_value(v, secret) + ", " + expected, line_of(v));
}

void TomlReader::string(const char* key, std::string& out, Secret secret) {
  const TomlValue* v = find(key);
  if (v == nullptr) return;
  if (!v->is_string()) return fail(key, *v, "expected a string", secret);
  out = v->as_string().str;
}

void TomlReader::boolean(const char* key, bool& out) {
  const TomlValue* v = find(key);
  if (v == nullptr) return;
  if (!v->is_boolean()) return fail(key, *v, "expected true or false");
  out = v->as_boolean();
}

void TomlReader::integer(const char* key, int64_t& out, int64_t min, int64_t max) {
  const TomlValue* v = find(key);
  if (v == nullptr) return;
  const std::string range = std::to_string(min) + ".." + std::to_string(max);
  if (!v->is_integer()) return fail(key, *v, "expected an integer in " + range);
  if (v->as_integer() < min || v->as_integer() > max) {
    return fail(key, *v, "expected an integer in " + range);
  }
  out = v->as_integer();
}

void TomlReader::port(const char* key, uint16_t& out, uint16_t min) {
  int64_t value = out;
  const size_t before = errors_.size();
  integer(key, value, min, 65535);
  if (errors_.size() == before) out = static_cast<uint16_t>(value);
}

void TomlReader::duration(const char* key, std::chrono::seconds& out, std::chrono::seconds min,
                          std::chrono::seconds max) {
  const TomlValue* v = find(key);
  if (v == nullptr) return;
  const std::string expected =
      "expected a duration like \"30s\", \"15m\", \"12h\", \"7d\" (or "
      "an integer of seconds) from " +
      std::to_string(min.count()) + " s to " + std::to_string(max.count()) + " s";
  std::optional<std::chrono::seconds> d;
  if (v->is_integer() && v->as_integer() >= 0) d = std::chrono::seconds(v->as_integer());
  if (v->is_string()) d = parse_duration(v->as_string().str);
  if (!d || *d < min || *d > max) return fail(key, *v, expected);
  out = *d;
}

void TomlReader::string_list(const char* key, std::vector<std::string>& out) {
  const TomlValue* v = find(key);
  if (v == nullptr) return;
  if (!v->is_array()) return fail(key, *v, "expected an array of strings");
  std::vector<std::string> list;
  const auto& array = v->as_array();
  for (size_t i = 0; i < array.size(); ++i) {
    if (!array[i].is_string()) {
      error(std::string(key) + "[" + std::to_string(i) + "]",
            "got " + describe_toml_value(array[i]) + ", expected a string", line_of(array[i]));
      continue;
    }
    list.push_back(array[i].as_string().str);
  }
  out = std::move(list);
}

const TomlValue* TomlReader::table(const char* key) {
  const TomlValue* v = find(key);
  if (v == nullptr) return nullptr;
  if (!v->is_table()) {
    fail(key, *v, "expected a table ([" + key_path(key) + "])");
    return nullptr;
  }
  return v;
}

std::vector<const TomlValue*> TomlReader::tables(const char* key) {
  const TomlValue* v = find(key);
  if (v == nullptr) return {};
  if (!v->is_array()) {
    fail(key, *v, "expected an array of tables ([[" + key_path(key) + "]])");
    return {};
  }
  std::vector<const TomlValue*> out;
  const auto& array = v->as_array();
  for (size_t i = 0; i < array.size(); ++i) {
    if (!array[i].is_table()) {
      error(std::string(key) + "[" + std::to_string(i) + "]",
            "got " + describe_toml_value(array[i]) + ", expected a table", line_of(array[i]));
      continue;
    }
    out.push_back(&array[i]);
  }
  return out;
}

void TomlReader::finish() {
  for (const auto& [key, value] : table_.as_table()) {
    if (seen_.count(key) != 0) continue;
    error(key, "unknown key (check its spelling against docs/configuration.md)", line_of(value));
  }
}

}  // namespace tandem::app
