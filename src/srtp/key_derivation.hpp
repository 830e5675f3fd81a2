// SRTP key derivation (RFC 3711 §4.3) with the AES-CM PRF (§4.3.3) and key_derivation_rate 0,
// which is what DTLS-SRTP (RFC 5764 §4.1.2) and RFC 7714 §11 (GCM) use.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "common/result.hpp"
#include "srtp/aes_ctr.hpp"
#include "srtp/profile.hpp"

namespace tandem::srtp {

// RFC 3711 §4.3.1 and §4.3.2 labels.
enum class KeyLabel : uint8_t {
  kRtpEncryption = 0x00,
  kRtpAuth = 0x01,
  kRtpSalt = 0x02,
  kRtcpEncryption = 0x03,
  kRtcpAuth = 0x04,
  kRtcpSalt = 0x05,
};

// The session keys of one SRTP/SRTCP context; wiped on destruction.
struct SessionKeys {
  size_t key_len = 0;   // 16 or 32
  size_t salt_len = 0;  // 14 (AES-CM) or 12 (GCM)
  std::array<uint8_t, 32> rtp_key{};
  std::array<uint8_t, 32> rtcp_key{};
  std::array<uint8_t, 20> rtp_auth_key{};  // HMAC-SHA1 profiles only: n_a = 160 (§8.2)
  std::array<uint8_t, 20> rtcp_auth_key{};
  std::array<uint8_t, 14> rtp_salt{};  // leading salt_len bytes used
  std::array<uint8_t, 14> rtcp_salt{};

  SessionKeys() = default;
  SessionKeys(const SessionKeys&) = delete;
  SessionKeys& operator=(const SessionKeys&) = delete;
  ~SessionKeys();
};

class KeyDerivation {
 public:
  static constexpr size_t kMaxSaltLen = 14;

  // master_key: 16 or 32 bytes; master_salt: 14 bytes (RFC 3711) or 12 bytes (RFC 7714).
  static Result<KeyDerivation> create(std::span<const uint8_t> master_key,
                                      std::span<const uint8_t> master_salt);

  // Fills out with the PRF output for label at index 0 (kdr = 0 makes r = 0, §4.3.1).
  bool derive(KeyLabel label, std::span<uint8_t> out) noexcept;

  // All session keys a profile needs, for SRTP and SRTCP.
  bool derive_session_keys(const ProfileInfo& info, SessionKeys& keys) noexcept;

 private:
  KeyDerivation(AesCtr prf, std::span<const uint8_t> master_salt);

  AesCtr prf_;
  // The 112-bit x of §4.3.1 before the label is mixed in. A 96-bit GCM master salt fills the
  // leading 12 bytes and the rest stays zero, as deployed RFC 7714 stacks (libsrtp) do it.
  std::array<uint8_t, kMaxSaltLen> salt_{};
};

}  // namespace tandem::srtp
