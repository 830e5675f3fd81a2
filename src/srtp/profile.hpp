// SRTP protection profiles: the parameters each one fixes (RFC 3711, RFC 5764 §4.1.2, RFC 7714).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tandem::srtp {

enum class Profile : uint8_t {
  kAes128CmHmacSha1_80,  // SRTP_AES128_CM_HMAC_SHA1_80 (RFC 5764)
  kAes128CmHmacSha1_32,  // SRTP_AES128_CM_HMAC_SHA1_32 (RFC 5764)
  kAeadAes128Gcm,        // SRTP_AEAD_AES_128_GCM (RFC 7714)
  kAeadAes256Gcm,        // SRTP_AEAD_AES_256_GCM (RFC 7714)
};

struct ProfileInfo {
  Profile profile;
  // Session keys are as long as the master key, session salts as long as the master salt.
  size_t master_key_len;
  size_t master_salt_len;
  size_t rtp_tag_len;
  // RFC 5764 §4.1.2: SHA1_32 shortens only the SRTP tag; SRTCP keeps 80 bits.
  size_t rtcp_tag_len;
  bool aead;
  uint16_t dtls_id;            // DTLS use_srtp protection profile value (RFC 5764 §4.1.2)
  std::string_view dtls_name;  // as OpenSSL's SSL_get_selected_srtp_profile() spells it
  std::string_view
      sdes_name;  // RFC 4568 crypto-suite (RFC 7714 registers the GCM ones) for a=crypto
};

const ProfileInfo& profile_info(Profile profile) noexcept;

// Accepts the DTLS-SRTP names (OpenSSL's "SRTP_AES128_CM_SHA1_80" and RFC 5764's
// "SRTP_AES128_CM_HMAC_SHA1_80") and the SDES crypto-suite names ("AES_CM_128_HMAC_SHA1_80").
std::optional<Profile> profile_from_name(std::string_view name) noexcept;

std::optional<Profile> profile_from_dtls_id(uint16_t id) noexcept;

}  // namespace tandem::srtp
