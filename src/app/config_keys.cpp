#include "app/config_keys.hpp"

namespace tandem::app {

namespace {

using gateway::JwtAlgorithm;
using gateway::JwtKey;

// A secret file's content without the newline an editor or `echo` leaves at its end.
std::optional<std::string> read_secret(const std::string& key, const std::string& path,
                                       ConfigErrors& errors) {
  auto text = gateway::read_small_file(path, size_t{64} * 1024);
  if (!text) {
    errors.push_back({key, text.error().reason});
    return std::nullopt;
  }
  std::string s = std::move(text.value());
  if (!s.empty() && s.back() == '\n') s.pop_back();
  if (!s.empty() && s.back() == '\r') s.pop_back();
  return s;
}

void load_pem(const std::string& key, const std::string& path, JwtAlgorithm alg, bool is_private,
              AuthKeys& keys, ConfigErrors& errors) {
  if (path.empty()) return;
  auto pem = gateway::read_small_file(path);
  if (!pem) {
    errors.push_back({key, pem.error().reason});
    return;
  }
  auto loaded = is_private ? JwtKey::private_key_pem(alg, *pem) : JwtKey::public_key_pem(alg, *pem);
  if (!loaded) {
    errors.push_back({key, path + ": " + loaded.error().reason});
    return;
  }
  if (is_private) keys.sign.push_back(*loaded);
  // The explicit public key wins for verification; a private key verifies only without one.
  for (const JwtKey& k : keys.verify) {
    if (k.algorithm() == alg) return;
  }
  keys.verify.push_back(std::move(loaded.value()));
}

}  // namespace

AuthKeys load_auth_keys(const AuthConfig& auth, ConfigErrors& errors) {
  AuthKeys keys;
  if (!auth.hs256_secret.empty() && !auth.hs256_secret_file.empty()) {
    errors.push_back({"auth.hs256_secret_file",
                      "set either auth.hs256_secret or "
                      "auth.hs256_secret_file, not both"});
  }
  std::optional<std::string> secret;
  std::string secret_key = "auth.hs256_secret";
  if (!auth.hs256_secret.empty()) secret = auth.hs256_secret;
  if (auth.hs256_secret.empty() && !auth.hs256_secret_file.empty()) {
    secret_key = "auth.hs256_secret_file";
    secret = read_secret(secret_key, auth.hs256_secret_file, errors);
  }
  if (secret) {
    auto key = JwtKey::hmac_secret(*secret);
    if (key) {
      keys.verify.push_back(*key);
      keys.sign.push_back(std::move(key.value()));
    } else {
      errors.push_back({secret_key, key.error().reason});
    }
  }
  load_pem("auth.rs256_public_key", auth.rs256_public_key, JwtAlgorithm::kRs256, false, keys,
           errors);
  load_pem("auth.es256_public_key", auth.es256_public_key, JwtAlgorithm::kEs256, false, keys,
           errors);
  load_pem("auth.rs256_private_key", auth.rs256_private_key, JwtAlgorithm::kRs256, true, keys,
           errors);
  load_pem("auth.es256_private_key", auth.es256_private_key, JwtAlgorithm::kEs256, true, keys,
           errors);
  return keys;
}

std::optional<gateway::TokenVerifier> make_token_verifier(const AuthConfig& auth,
                                                          ConfigErrors& errors) {
  const size_t before = errors.size();
  AuthKeys keys = load_auth_keys(auth, errors);
  if (errors.size() != before) return std::nullopt;
  gateway::TokenVerifierConfig config;
  config.keys = std::move(keys.verify);
  config.audience = auth.audience;
  config.clock_skew = auth.clock_skew;
  auto verifier = gateway::TokenVerifier::create(std::move(config));
  if (!verifier) {
    errors.push_back({"auth", verifier.error().reason});
    return std::nullopt;
  }
  return std::move(verifier.value());
}

std::string load_turn_secret(const TurnConfig& turn, ConfigErrors& errors) {
  if (!turn.secret.empty() && !turn.secret_file.empty()) {
    errors.push_back({"turn.secret_file", "set either turn.secret or turn.secret_file, not both"});
  }
  if (!turn.secret.empty()) return turn.secret;
  if (turn.secret_file.empty()) return {};
  return read_secret("turn.secret_file", turn.secret_file, errors).value_or("");
}

}  // namespace tandem::app
