#include "app/token_command.hpp"

#include <istream>
#include <ostream>

#include "app/config_keys.hpp"
#include "app/config_loader.hpp"
#include "app/duration_text.hpp"
#include "gateway/token_minter.hpp"

namespace tandem::app {

CLI::App* add_token_subcommand(CLI::App& app, TokenOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "token", "Mint a JWT with the configured key and print it (for development and tests)");
  cmd->add_option("--config", options.config, "The TOML configuration file")->required();
  cmd->add_option("--sub", options.sub, "Subject: the SIP user the token stands for")->required();
  cmd->add_option("--ttl", options.ttl, "Lifetime: 90s, 15m, 1h, 2d or seconds")
      ->capture_default_str();
  cmd->add_option("--allow", options.allow,
                  "Destinations the token may call, comma-separated (no list: any)")
      ->delimiter(',');
  cmd->add_option("--alg", options.alg, "HS256, RS256 or ES256 (default: the first configured)");
  cmd->add_option("--aud", options.aud, "Audience (default: auth.audience)");
  return cmd;
}

int run_token(const TokenOptions& options, gateway::WallTime now, std::ostream& out,
              std::ostream& err) {
  const auto ttl = parse_duration(options.ttl);
  if (!ttl || ttl->count() == 0) {
    err << "tandem token: --ttl: got \"" << options.ttl
        << "\", expected a positive duration like 90s, 15m, 1h, 2d\n";
    return 1;
  }
  LoadedConfig loaded = load_config_file(options.config);
  const AuthKeys keys = load_auth_keys(loaded.config.auth, loaded.errors);
  if (!loaded.errors.empty()) {
    err << "tandem token: " << options.config << ":\n";
    for (const auto& e : loaded.errors) err << "  " << e.describe() << "\n";
    return 1;
  }
  const gateway::JwtKey* key = nullptr;
  for (const gateway::JwtKey& k : keys.sign) {
    if (options.alg.empty() || gateway::to_string(k.algorithm()) == options.alg) {
      key = &k;
      break;
    }
  }
  if (key == nullptr) {
    err << "tandem token: no signing key" << (options.alg.empty() ? "" : " for " + options.alg)
        << " in [auth] (HS256 uses hs256_secret; RS256/ES256 need rs256_private_key or "
           "es256_private_key)\n";
    return 1;
  }
  gateway::TokenClaims claims;
  claims.subject = options.sub;
  claims.audience = options.aud.empty() ? loaded.config.auth.audience : options.aud;
  claims.ttl = *ttl;
  if (!options.allow.empty()) claims.allow = options.allow;
  auto token = gateway::mint_token(*key, claims, now);
  if (!token) {
    err << "tandem token: " << token.error().reason << "\n";
    return 1;
  }
  out << *token << "\n";
  return 0;
}

CLI::App* add_verify_token_subcommand(CLI::App& app, VerifyTokenOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "verify-token",
      "Verify a JWT as the gateway would now and print its identity or the reason "
      "it is refused");
  cmd->add_option("--config", options.config, "The TOML configuration file")->required();
  cmd->add_option("token", options.token, "The token (default: read from standard input)");
  return cmd;
}

int run_verify_token(const VerifyTokenOptions& options, std::istream& in, gateway::WallTime now,
                     std::ostream& out, std::ostream& err) {
  LoadedConfig loaded = load_config_file(options.config);
  const auto verifier = make_token_verifier(loaded.config.auth, loaded.errors);
  if (!loaded.errors.empty() || !verifier) {
    err << "tandem verify-token: " << options.config << ":\n";
    for (const auto& e : loaded.errors) err << "  " << e.describe() << "\n";
    return 2;
  }
  std::string token = options.token;
  if (token.empty()) std::getline(in, token);
  const gateway::TokenResult r = verifier->verify(token, now);
  if (!r) {
    out << "invalid " << r.rejection().describe() << "\n";
    return 1;
  }
  const gateway::TokenIdentity& id = r.identity();
  out << "valid sub=" << id.subject << " alg=" << gateway::to_string(id.algorithm) << " expires="
      << std::chrono::duration_cast<std::chrono::seconds>(id.expires.time_since_epoch()).count();
  if (id.allow) {
    out << " allow=";
    for (size_t i = 0; i < id.allow->size(); ++i) out << (i ? "," : "") << (*id.allow)[i];
  }
  out << "\n";
  return 0;
}

}  // namespace tandem::app
