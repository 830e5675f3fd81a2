#include "app/config_loader.hpp"

#include <filesystem>
#include <sstream>

#include "app/toml_reader.hpp"
#include "gateway/jwt_key.hpp"

namespace tandem::app {

namespace {

using std::chrono::seconds;
constexpr seconds kDay{86400};

struct Loader {
  ConfigErrors& errors;
  std::string base_dir;

  void path(TomlReader& r, const char* key, std::string& out) {
    r.string(key, out);
    if (!out.empty() && !base_dir.empty() && std::filesystem::path(out).is_relative()) {
      out = (std::filesystem::path(base_dir) / out).lexically_normal().string();
    }
  }

  void listen(TomlReader& r, ListenConfig& c) {
    r.string("ws", c.ws);
    r.string("wss", c.wss);
    path(r, "tls_certificate", c.tls_certificate);
    path(r, "tls_private_key", c.tls_private_key);
    path(r, "web_root", c.web_root);
  }

  void sip(TomlReader& r, SipConfig& c) {
    r.string("pbx", c.pbx);
    r.choice(
        "transport", c.transport,
        {{"udp", SipTransport::kUdp}, {"tcp", SipTransport::kTcp}, {"tls", SipTransport::kTls}});
    r.string("outbound_proxy", c.outbound_proxy);
    r.string("local_address", c.local_address);
    r.string("domain", c.domain);
    path(r, "tls_ca_file", c.tls_ca_file);
  }

  void media(TomlReader& r, MediaConfig& c) {
    r.string("public_ip", c.public_ip);
    r.string("bind_ip", c.bind_ip);
    r.port("browser_port", c.browser_port);
    r.port("rtp_port_min", c.rtp_port_min, 1024);
    r.port("rtp_port_max", c.rtp_port_max, 1024);
    int64_t workers = c.workers;
    r.integer("workers", workers, 0, 256);
    c.workers = static_cast<unsigned>(workers);
    r.boolean("ice_tcp", c.ice_tcp);
  }

  void codecs(TomlReader& r, CodecConfig& c) {
    r.string_list("order", c.order);
    r.boolean("transcoding", c.transcoding);
  }

  void auth(TomlReader& r, AuthConfig& c) {
    r.string("audience", c.audience);
    r.duration("clock_skew", c.clock_skew, seconds(0), seconds(600));
    r.string("hs256_secret", c.hs256_secret, Secret::kYes);
    path(r, "hs256_secret_file", c.hs256_secret_file);
    path(r, "rs256_public_key", c.rs256_public_key);
    path(r, "es256_public_key", c.es256_public_key);
    path(r, "rs256_private_key", c.rs256_private_key);
    path(r, "es256_private_key", c.es256_private_key);
  }

  void turn(TomlReader& r, TurnConfig& c) {
    r.string_list("stun", c.stun);
    r.string_list("servers", c.servers);
    r.string("secret", c.secret, Secret::kYes);
    path(r, "secret_file", c.secret_file);
    r.duration("credential_ttl", c.credential_ttl, seconds(60), 7 * kDay);
  }

  void user(TomlReader& r, PbxCredential& c) {
    r.string("user", c.user);
    r.string("auth_user", c.auth_user);
    r.string("password", c.password, Secret::kYes);
    r.string("realm", c.realm);
    r.finish();
    if (c.user.empty()) r.error("user", "missing: every credential needs the SIP user it is for");
    if (c.password.empty()) r.error("password", "missing or empty");
    if (c.auth_user.empty()) c.auth_user = c.user;
  }

  void users(TomlReader& r, const std::string& prefix, std::vector<PbxCredential>& out) {
    const auto list = r.tables("user");
    for (size_t i = 0; i < list.size(); ++i) {
      TomlReader ur(*list[i], prefix + "user[" + std::to_string(i) + "]", errors);
      PbxCredential c;
      user(ur, c);
      out.push_back(std::move(c));
    }
  }

  void credentials(TomlReader& r, CredentialsConfig& c) {
    r.choice("mode", c.mode,
             {{"store", CredentialMode::kStore}, {"passthrough", CredentialMode::kPassthrough}});
    path(r, "file", c.file);
    users(r, "credentials.", c.users);
    if (!c.file.empty()) credentials_file(c);
  }

  // The file holds only [[user]] tables; its errors are prefixed with its path.
  void credentials_file(CredentialsConfig& c) {
    auto text = gateway::read_small_file(c.file);
    if (!text) {
      errors.push_back({"credentials.file", text.error().reason});
      return;
    }
    ConfigErrors file_errors;
    try {
      std::istringstream in(*text);
      const TomlValue root = toml::parse<toml::discard_comments, std::map, std::vector>(in, c.file);
      Loader sub{file_errors, base_dir};
      TomlReader r(root, "", file_errors);
      sub.users(r, "", c.users);
      r.finish();
    } catch (const std::exception& e) {
      file_errors.push_back({"", e.what()});
    }
    for (auto& e : file_errors) {
      e.key = "credentials.file (" + c.file + "): " + e.key;
      errors.push_back(std::move(e));
    }
  }

  void logging(TomlReader& r, LoggingConfig& c) {
    r.choice("level", c.level,
             {{"trace", LogLevel::kTrace},
              {"debug", LogLevel::kDebug},
              {"info", LogLevel::kInfo},
              {"warn", LogLevel::kWarn},
              {"error", LogLevel::kError},
              {"off", LogLevel::kOff}});
    r.choice("format", c.format, {{"text", LogFormat::kText}, {"json", LogFormat::kJson}});
    path(r, "file", c.file);
  }

  void demo(TomlReader& r, DemoConfig& c) {
    r.boolean("enabled", c.enabled);
    r.duration("token_ttl", c.token_ttl, seconds(60), kDay);
    r.string_list("users", c.users);
  }

  template <typename Section, typename Fn>
  void section(TomlReader& root, const char* name, Section& out, Fn fn) {
    const TomlValue* t = root.table(name);
    if (t == nullptr) return;
    TomlReader r(*t, name, errors);
    (this->*fn)(r, out);
    r.finish();
  }

  void all(const TomlValue& root_value, Config& c) {
    TomlReader root(root_value, "", errors);
    section(root, "listen", c.listen, &Loader::listen);
    section(root, "sip", c.sip, &Loader::sip);
    section(root, "media", c.media, &Loader::media);
    section(root, "codecs", c.codecs, &Loader::codecs);
    section(root, "auth", c.auth, &Loader::auth);
    section(root, "turn", c.turn, &Loader::turn);
    section(root, "credentials", c.credentials, &Loader::credentials);
    section(root, "logging", c.logging, &Loader::logging);
    section(root, "demo", c.demo, &Loader::demo);
    root.finish();
  }
};

}  // namespace

LoadedConfig load_config_text(std::string_view text, const std::string& name,
                              const std::string& base_dir) {
  LoadedConfig out;
  try {
    std::istringstream in{std::string(text)};
    const TomlValue root = toml::parse<toml::discard_comments, std::map, std::vector>(in, name);
    Loader{out.errors, base_dir}.all(root, out.config);
  } catch (const std::exception& e) {
    // toml11's syntax errors are multi-line with a caret under the offending text.
    out.errors.push_back(ConfigError{"", std::string("TOML syntax: ") + e.what()});
  }
  return out;
}

LoadedConfig load_config_file(const std::string& path) {
  auto text = gateway::read_small_file(path);
  if (!text) {
    LoadedConfig out;
    out.errors.push_back(ConfigError{"", text.error().reason});
    return out;
  }
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return load_config_text(*text, path, dir.empty() ? "." : dir);
}

}  // namespace tandem::app
