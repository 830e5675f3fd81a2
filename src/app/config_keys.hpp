// Turns the file paths and secrets of [auth] and [turn] into usable keys: JWT verification and
// signing keys (one per algorithm; a private key also verifies), and the TURN secret. Problems
// are reported as ConfigErrors naming the key, so check-config and start-up say the same thing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "app/config_error.hpp"
#include "gateway/jwt_key.hpp"
#include "gateway/token_verifier.hpp"

namespace tandem::app {

struct AuthKeys {
  std::vector<gateway::JwtKey> verify;  // at most one per algorithm
  std::vector<gateway::JwtKey> sign;    // HS256 secret and private keys
};

AuthKeys load_auth_keys(const AuthConfig& auth, ConfigErrors& errors);

// The verifier of [auth], or nullopt with the reasons in `errors`.
std::optional<gateway::TokenVerifier> make_token_verifier(const AuthConfig& auth,
                                                          ConfigErrors& errors);

// turn.secret or the content of turn.secret_file (one trailing newline dropped).
std::string load_turn_secret(const TurnConfig& turn, ConfigErrors& errors);

}  // namespace tandem::app
