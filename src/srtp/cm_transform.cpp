#include "srtp/cm_transform.hpp"

#include <openssl/crypto.h>

#include <algorithm>

#include "srtp/byte_order.hpp"

namespace tandem::srtp {
namespace {

constexpr size_t kRtcpHeaderLen = 8;  // §3.4: the first header and sender SSRC stay clear

bool tag_matches(std::span<const uint8_t> computed, std::span<const uint8_t> received) noexcept {
  return computed.size() == received.size() &&
         CRYPTO_memcmp(computed.data(), received.data(), computed.size()) == 0;
}

}  // namespace

CmTransform::CmTransform(AesCtr rtp_cipher, AesCtr rtcp_cipher, PrekeyedHmacSha1 rtp_mac,
                         PrekeyedHmacSha1 rtcp_mac, const SessionKeys& keys)
    : rtp_cipher_(std::move(rtp_cipher)),
      rtcp_cipher_(std::move(rtcp_cipher)),
      rtp_mac_(std::move(rtp_mac)),
      rtcp_mac_(std::move(rtcp_mac)),
      rtp_salt_(keys.rtp_salt),
      rtcp_salt_(keys.rtcp_salt) {}

Result<CmTransform> CmTransform::create(const ProfileInfo& info, const SessionKeys& keys) {
  if (info.aead || keys.salt_len != 14) return Error{"not an AES-CM profile"};
  auto rtp_cipher = AesCtr::create(std::span(keys.rtp_key).first(keys.key_len));
  auto rtcp_cipher = AesCtr::create(std::span(keys.rtcp_key).first(keys.key_len));
  auto rtp_mac = PrekeyedHmacSha1::create(keys.rtp_auth_key);
  auto rtcp_mac = PrekeyedHmacSha1::create(keys.rtcp_auth_key);
  if (!rtp_cipher) return rtp_cipher.error();
  if (!rtcp_cipher) return rtcp_cipher.error();
  if (!rtp_mac) return rtp_mac.error();
  if (!rtcp_mac) return rtcp_mac.error();
  return CmTransform(std::move(rtp_cipher).value(), std::move(rtcp_cipher).value(),
                     std::move(rtp_mac).value(), std::move(rtcp_mac).value(), keys);
}

AesCtr::Iv CmTransform::make_iv(std::span<const uint8_t, 14> salt, uint32_t ssrc,
                                uint64_t index) noexcept {
  AesCtr::Iv iv{};  // bytes 14..15: the block counter, starting at zero
  std::copy(salt.begin(), salt.end(), iv.begin());
  xor_be(iv.data() + 4, ssrc, 4);
  xor_be(iv.data() + 8, index, 6);
  return iv;
}

bool CmTransform::protect_rtp(std::span<uint8_t> packet, size_t header_len, uint32_t ssrc,
                              uint64_t index, std::span<uint8_t> tag) noexcept {
  if (!rtp_cipher_.apply(make_iv(rtp_salt_, ssrc, index), packet.subspan(header_len))) {
    return false;
  }
  // §4.2: the tag covers the authenticated portion (header + encrypted payload) || ROC.
  uint8_t roc[4];
  store_be32(roc, static_cast<uint32_t>(index >> 16));
  return rtp_mac_.compute(packet, roc, tag);
}

bool CmTransform::unprotect_rtp(std::span<uint8_t> packet, size_t header_len, uint32_t ssrc,
                                uint64_t index, std::span<const uint8_t> tag) noexcept {
  uint8_t roc[4];
  store_be32(roc, static_cast<uint32_t>(index >> 16));
  uint8_t computed[PrekeyedHmacSha1::kDigestSize];
  const auto expected = std::span(computed).first(tag.size());
  // §3.3 step 5: authenticate before decrypting; a forged packet leaves the buffer untouched.
  if (!rtp_mac_.compute(packet, roc, expected) || !tag_matches(expected, tag)) return false;
  return rtp_cipher_.apply(make_iv(rtp_salt_, ssrc, index), packet.subspan(header_len));
}

bool CmTransform::protect_rtcp(std::span<uint8_t> packet, uint32_t ssrc, uint32_t e_index,
                               std::span<uint8_t> tag) noexcept {
  const uint32_t index = e_index & 0x7FFFFFFF;
  if ((e_index >> 31) != 0 &&
      !rtcp_cipher_.apply(make_iv(rtcp_salt_, ssrc, index), packet.subspan(kRtcpHeaderLen))) {
    return false;
  }
  // §3.4: the SRTCP tag covers header, encrypted portion and the E || SRTCP index word.
  uint8_t word[4];
  store_be32(word, e_index);
  return rtcp_mac_.compute(packet, word, tag);
}

bool CmTransform::unprotect_rtcp(std::span<uint8_t> packet, uint32_t ssrc, uint32_t e_index,
                                 std::span<const uint8_t> tag) noexcept {
  uint8_t word[4];
  store_be32(word, e_index);
  uint8_t computed[PrekeyedHmacSha1::kDigestSize];
  const auto expected = std::span(computed).first(tag.size());
  if (!rtcp_mac_.compute(packet, word, expected) || !tag_matches(expected, tag)) return false;
  if ((e_index >> 31) == 0) return true;  // E = 0: sent unencrypted, authenticated only
  return rtcp_cipher_.apply(make_iv(rtcp_salt_, ssrc, e_index & 0x7FFFFFFF),
                            packet.subspan(kRtcpHeaderLen));
}

}  // namespace tandem::srtp
