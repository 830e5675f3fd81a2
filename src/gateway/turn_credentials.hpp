// Time-limited TURN credentials in the TURN REST API scheme (draft-uberti-behave-turn-rest-00)
// that coturn implements as `use-auth-secret` / `static-auth-secret`: the username is
// "<expiry unix time>:<user>", the password base64(HMAC-SHA1(secret, username)). The TURN server
// recomputes the password from the secret and refuses usernames whose time has passed.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"
#include "gateway/token_verifier.hpp"

namespace tandem::gateway {

struct TurnCredential {
  std::string username;
  std::string credential;
};

Result<TurnCredential> make_turn_credential(std::string_view secret, std::string_view user,
                                            WallTime expires);

}  // namespace tandem::gateway
