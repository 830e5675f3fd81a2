// The AES_CM_128_HMAC_SHA1_80/_32 transform (RFC 3711 §4.1.1, §4.2.1): AES counter mode for
// confidentiality, truncated HMAC-SHA1 for integrity. Pure crypto: the caller parses the
// packet, estimates the index, checks replay and lays out the trailer.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "common/result.hpp"
#include "srtp/aes_ctr.hpp"
#include "srtp/key_derivation.hpp"
#include "srtp/prekeyed_hmac.hpp"
#include "srtp/profile.hpp"

namespace tandem::srtp {

class CmTransform {
 public:
  static Result<CmTransform> create(const ProfileInfo& info, const SessionKeys& keys);

  // §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), for SRTP index i (48 bits) or
  // SRTCP index (31 bits).
  static AesCtr::Iv make_iv(std::span<const uint8_t, 14> salt, uint32_t ssrc,
                            uint64_t index) noexcept;

  // packet is the whole RTP packet; the payload after header_len is encrypted in place and
  // the tag (rtp tag length bytes) is written to tag.
  bool protect_rtp(std::span<uint8_t> packet, size_t header_len, uint32_t ssrc, uint64_t index,
                   std::span<uint8_t> tag) noexcept;
  // packet excludes the tag. Verifies first, then decrypts; false (buffer untouched) on a bad tag.
  bool unprotect_rtp(std::span<uint8_t> packet, size_t header_len, uint32_t ssrc, uint64_t index,
                     std::span<const uint8_t> tag) noexcept;

  // packet is the compound RTCP packet (excluding trailer); e_index is the E flag || SRTCP index
  // word that the caller places in the trailer (§3.4).
  bool protect_rtcp(std::span<uint8_t> packet, uint32_t ssrc, uint32_t e_index,
                    std::span<uint8_t> tag) noexcept;
  bool unprotect_rtcp(std::span<uint8_t> packet, uint32_t ssrc, uint32_t e_index,
                      std::span<const uint8_t> tag) noexcept;

 private:
  CmTransform(AesCtr rtp_cipher, AesCtr rtcp_cipher, PrekeyedHmacSha1 rtp_mac,
              PrekeyedHmacSha1 rtcp_mac, const SessionKeys& keys);

  AesCtr rtp_cipher_;
  AesCtr rtcp_cipher_;
  PrekeyedHmacSha1 rtp_mac_;
  PrekeyedHmacSha1 rtcp_mac_;
  std::array<uint8_t, 14> rtp_salt_;
  std::array<uint8_t, 14> rtcp_salt_;
};

}  // namespace tandem::srtp
