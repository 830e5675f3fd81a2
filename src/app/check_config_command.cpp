#include "app/check_config_command.hpp"

#include <ostream>

#include "app/config_keys.hpp"
#include "app/config_validation.hpp"

namespace tandem::app {

namespace {

bool covered_by(const std::string& key, const ConfigErrors& load_errors) {
  for (const ConfigError& e : load_errors) {
    if (e.key.empty()) return true;  // a syntax error: nothing was loaded
    if (key == e.key || key.rfind(e.key + ".", 0) == 0 || key.rfind(e.key + "[", 0) == 0 ||
        e.key.rfind(key + ".", 0) == 0) {
      return true;
    }
  }
  return false;
}

std::string join(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& s : list) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "none" : out;
}

}  // namespace

LoadedConfig load_and_validate(const std::string& path) {
  LoadedConfig loaded = load_config_file(path);
  const ConfigErrors load_errors = loaded.errors;
  for (ConfigError& e : validate_config(loaded.config)) {
    if (!covered_by(e.key, load_errors)) loaded.errors.push_back(std::move(e));
  }
  return loaded;
}

CLI::App* add_check_config_subcommand(CLI::App& app, std::string& path) {
  CLI::App* cmd = app.add_subcommand(
      "check-config",
      "Validate a configuration file without starting: print OK and a summary (exit 0) or every "
      "error with its key (exit 1)");
  cmd->add_option("file", path, "The TOML configuration file")->required();
  return cmd;
}

void print_config_summary(const Config& c, std::ostream& out) {
  out << "  listen: ws " << (c.listen.ws.empty() ? "off" : c.listen.ws) << ", wss "
      << (c.listen.wss.empty() ? "off" : c.listen.wss) << "\n";
  out << "  sip: pbx " << c.sip.pbx << " over " << to_string(c.sip.transport) << ", local "
      << c.sip.local_address
      << (c.sip.outbound_proxy.empty() ? "" : ", outbound proxy " + c.sip.outbound_proxy) << "\n";
  const unsigned workers = c.media.workers;
  out << "  media: public " << c.media.public_ip << ", browser port " << c.media.browser_port
      << " ("
      << (workers == 0 ? std::string("one worker per core") : std::to_string(workers) + " workers")
      << "), rtp " << c.media.rtp_port_min << ".." << c.media.rtp_port_max << "\n";
  out << "  codecs: " << join(c.codecs.order) << " (transcoding "
      << (c.codecs.transcoding ? "on" : "off") << ")\n";
  ConfigErrors ignored;
  const AuthKeys keys = load_auth_keys(c.auth, ignored);
  std::vector<std::string> algs;
  for (const auto& k : keys.verify) algs.emplace_back(gateway::to_string(k.algorithm()));
  out << "  auth: audience \"" << c.auth.audience << "\", keys " << join(algs) << ", clock skew "
      << c.auth.clock_skew.count() << " s\n";
  out << "  turn: " << c.turn.stun.size() << " stun, " << c.turn.servers.size()
      << " turn url(s), credentials valid " << c.turn.credential_ttl.count() << " s\n";
  out << "  credentials: " << c.credentials.users.size() << " user(s), mode "
      << to_string(c.credentials.mode) << "\n";
  out << "  logging: " << to_string(c.logging.level) << " " << to_string(c.logging.format) << " to "
      << (c.logging.file.empty() ? "stderr" : c.logging.file) << "\n";
  out << "  demo: " << (c.demo.enabled ? "enabled" : "disabled") << "\n";
}

int run_check_config(const std::string& path, std::ostream& out, std::ostream& err) {
  const LoadedConfig loaded = load_and_validate(path);
  if (loaded.errors.empty()) {
    out << "OK " << path << "\n";
    print_config_summary(loaded.config, out);
    return 0;
  }
  err << path << ": " << loaded.errors.size() << (loaded.errors.size() == 1 ? " error" : " errors")
      << "\n";
  for (const ConfigError& e : loaded.errors) err << "  " << e.describe() << "\n";
  return 1;
}

}  // namespace tandem::app
