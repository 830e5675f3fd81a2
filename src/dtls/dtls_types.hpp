// Vocabulary of the DTLS layer: roles, transport states, the RFC 7983 classifier.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace tandem::dtls {

// RFC 5763 §5: the endpoint with a=setup:active initiates the handshake (DTLS client); the one
// with a=setup:passive waits for it (DTLS server).
enum class Role : uint8_t { kClient, kServer };

enum class State : uint8_t {
  kNew,         // constructed, start() not called yet
  kConnecting,  // handshake in progress
  kConnected,   // handshake done, fingerprint verified, SRTP keys exported
  kClosed,      // close_notify sent or received
  kFailed,      // fatal alert, fingerprint mismatch, timeout or internal error
};

std::string_view to_string(Role role) noexcept;
std::string_view to_string(State state) noexcept;

// Our role from our own a=setup value: "active" -> client, "passive" -> server. "actpass" and
// "holdconn" do not fix a role (the answer does), so they give nullopt.
std::optional<Role> role_from_local_setup(std::string_view setup) noexcept;

// RFC 7983 §7: a datagram on a multiplexed port is DTLS when its first byte is in [20, 63].
inline bool looks_like_dtls(std::span<const uint8_t> datagram) noexcept {
  // 13 bytes is the DTLS record header (RFC 6347 §4.1).
  return datagram.size() >= 13 && datagram[0] >= 20 && datagram[0] <= 63;
}

}  // namespace tandem::dtls
