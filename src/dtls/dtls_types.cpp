#include "dtls/dtls_types.hpp"

namespace tandem::dtls {

std::string_view to_string(Role role) noexcept {
  return role == Role::kClient ? "client" : "server";
}

std::string_view to_string(State state) noexcept {
  switch (state) {
    case State::kNew:
      return "new";
    case State::kConnecting:
      return "connecting";
    case State::kConnected:
      return "connected";
    case State::kClosed:
      return "closed";
    case State::kFailed:
      return "failed";
  }
  return "unknown";
}

std::optional<Role> role_from_local_setup(std::string_view setup) noexcept {
  if (setup == "active") return Role::kClient;
  if (setup == "passive") return Role::kServer;
  return std::nullopt;
}

}  // namespace tandem::dtls
