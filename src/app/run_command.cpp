#include "app/run_command.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <ostream>

#include "app/check_config_command.hpp"
#include "app/gateway_service.hpp"

namespace tandem::app {

namespace {

spdlog::level::level_enum level_of(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return spdlog::level::trace;
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
    case LogLevel::kOff:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

// %j: the message as the inside of a JSON string (quotes, backslashes, controls escaped).
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    static constexpr char kHex[] = "0123456789abcdef";
    for (const char c : std::string_view(msg.payload.data(), msg.payload.size())) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        dest.push_back('\\');
        dest.push_back(c);
      } else if (u < 0x20) {
        const char escaped[] = {'\\', 'u', '0', '0', kHex[u >> 4], kHex[u & 15]};
        dest.append(escaped, escaped + sizeof(escaped));
      } else {
        dest.push_back(c);
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

}  // namespace

bool set_up_logging(const LoggingConfig& logging, std::string& error) {
  std::shared_ptr<spdlog::logger> logger;
  try {
    logger = logging.file.empty()
                 ? std::make_shared<spdlog::logger>(
                       "tandem", std::make_shared<spdlog::sinks::stderr_sink_mt>())
                 : std::make_shared<spdlog::logger>(
                       "tandem", std::make_shared<spdlog::sinks::basic_file_sink_mt>(logging.file));
  } catch (const spdlog::spdlog_ex& e) {
    error = "logging.file (" + logging.file + "): " + e.what();
    return false;
  }
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<JsonMessageFlag>('j').set_pattern(
      logging.format == LogFormat::kJson
          ? R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":"%j"})"
          : "%Y-%m-%d %H:%M:%S.%e %l %v");
  logger->set_formatter(std::move(formatter));
  logger->set_level(level_of(logging.level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
  return true;
}

int run_gateway(const std::string& config_path, std::ostream& out, std::ostream& err) {
  const LoadedConfig loaded = load_and_validate(config_path);
  if (!loaded.errors.empty()) {
    err << config_path << ": " << loaded.errors.size()
        << (loaded.errors.size() == 1 ? " error" : " errors") << "\n";
    for (const ConfigError& e : loaded.errors) err << "  " << e.describe() << "\n";
    return 1;
  }
  std::string log_error;
  if (!set_up_logging(loaded.config.logging, log_error)) {
    err << config_path << ": " << log_error << "\n";
    return 1;
  }
  auto service = GatewayService::create(loaded.config, out);
  if (!service) {
    err << "tandem: cannot start: " << service.error().reason << "\n";
    return 1;
  }
  out << "ready" << std::endl;
  return (*service)->run();
}

}  // namespace tandem::app
