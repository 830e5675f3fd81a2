// The AEAD_AES_128_GCM / AEAD_AES_256_GCM transform for SRTP and SRTCP (RFC 7714). Pure
// crypto: the caller parses the packet, estimates the index, checks replay and lays out the
// trailer.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "common/result.hpp"
#include "srtp/aes_gcm.hpp"
#include "srtp/key_derivation.hpp"
#include "srtp/profile.hpp"

namespace tandem::srtp {

class GcmTransform {
 public:
  static constexpr size_t kTagLen = AesGcm::kTagLen;

  static Result<GcmTransform> create(const ProfileInfo& info, const SessionKeys& keys);

  // RFC 7714 §8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt.
  static AesGcm::Iv make_rtp_iv(std::span<const uint8_t, 12> salt, uint32_t ssrc,
                                uint64_t index) noexcept;
  // RFC 7714 §9.1: IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt.
  static AesGcm::Iv make_rtcp_iv(std::span<const uint8_t, 12> salt, uint32_t ssrc,
                                 uint32_t index) noexcept;

  // packet is the whole RTP packet: the header (with CSRCs and extension) is the AAD (RFC 7714 §8),
  // the payload is encrypted in place, the 16-byte tag goes to tag.
  bool protect_rtp(std::span<uint8_t> packet, size_t header_len, uint32_t ssrc, uint64_t index,
                   std::span<uint8_t> tag) noexcept;
  // packet excludes the tag. On false the payload is wiped.
  bool unprotect_rtp(std::span<uint8_t> packet, size_t header_len, uint32_t ssrc, uint64_t index,
                     std::span<const uint8_t> tag) noexcept;

  // packet is the compound RTCP packet without trailer; e_index is E || SRTCP index.
  bool protect_rtcp(std::span<uint8_t> packet, uint32_t ssrc, uint32_t e_index,
                    std::span<uint8_t> tag) noexcept;
  bool unprotect_rtcp(std::span<uint8_t> packet, uint32_t ssrc, uint32_t e_index,
                      std::span<const uint8_t> tag) noexcept;

 private:
  GcmTransform(AesGcm rtp_cipher, AesGcm rtcp_cipher, const SessionKeys& keys);

  AesGcm rtp_cipher_;
  AesGcm rtcp_cipher_;
  std::array<uint8_t, 12> rtp_salt_{};
  std::array<uint8_t, 12> rtcp_salt_{};
};

}  // namespace tandem::srtp
