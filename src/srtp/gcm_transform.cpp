#include "srtp/gcm_transform.hpp"

#include <algorithm>
#include <cstring>

#include "srtp/byte_order.hpp"

namespace tandem::srtp {
namespace {

constexpr size_t kRtcpHeaderLen = 8;

}  // namespace

GcmTransform::GcmTransform(AesGcm rtp_cipher, AesGcm rtcp_cipher, const SessionKeys& keys)
    : rtp_cipher_(std::move(rtp_cipher)), rtcp_cipher_(std::move(rtcp_cipher)) {
  std::copy_n(keys.rtp_salt.begin(), rtp_salt_.size(), rtp_salt_.begin());
  std::copy_n(keys.rtcp_salt.begin(), rtcp_salt_.size(), rtcp_salt_.begin());
}

Result<GcmTransform> GcmTransform::create(const ProfileInfo& info, const SessionKeys& keys) {
  if (!info.aead || keys.salt_len != 12) return Error{"not an AEAD profile"};
  auto rtp_cipher = AesGcm::create(std::span(keys.rtp_key).first(keys.key_len));
  auto rtcp_cipher = AesGcm::create(std::span(keys.rtcp_key).first(keys.key_len));
  if (!rtp_cipher) return rtp_cipher.error();
  if (!rtcp_cipher) return rtcp_cipher.error();
  return GcmTransform(std::move(rtp_cipher).value(), std::move(rtcp_cipher).value(), keys);
}

AesGcm::Iv GcmTransform::make_rtp_iv(std::span<const uint8_t, 12> salt, uint32_t ssrc,
                                     uint64_t index) noexcept {
  AesGcm::Iv iv;
  std::copy(salt.begin(), salt.end(), iv.begin());
  xor_be(iv.data() + 2, ssrc, 4);
  xor_be(iv.data() + 6, index, 6);  // ROC || SEQ is the 48-bit packet index
  return iv;
}

AesGcm::Iv GcmTransform::make_rtcp_iv(std::span<const uint8_t, 12> salt, uint32_t ssrc,
                                      uint32_t index) noexcept {
  AesGcm::Iv iv;
  std::copy(salt.begin(), salt.end(), iv.begin());
  xor_be(iv.data() + 2, ssrc, 4);
  xor_be(iv.data() + 8, index & 0x7FFFFFFF, 4);
  return iv;
}

bool GcmTransform::protect_rtp(std::span<uint8_t> packet, size_t header_len, uint32_t ssrc,
                               uint64_t index, std::span<uint8_t> tag) noexcept {
  if (tag.size() != kTagLen) return false;
  return rtp_cipher_.seal(make_rtp_iv(rtp_salt_, ssrc, index), packet.first(header_len), {},
                          packet.subspan(header_len), tag.first<kTagLen>());
}

bool GcmTransform::unprotect_rtp(std::span<uint8_t> packet, size_t header_len, uint32_t ssrc,
                                 uint64_t index, std::span<const uint8_t> tag) noexcept {
  if (tag.size() != kTagLen) return false;
  const auto payload = packet.subspan(header_len);
  if (rtp_cipher_.open(make_rtp_iv(rtp_salt_, ssrc, index), packet.first(header_len), {}, payload,
                       tag.first<kTagLen>())) {
    return true;
  }
  std::memset(payload.data(), 0, payload.size());  // never leave unauthenticated plaintext
  return false;
}

bool GcmTransform::protect_rtcp(std::span<uint8_t> packet, uint32_t ssrc, uint32_t e_index,
                                std::span<uint8_t> tag) noexcept {
  if (tag.size() != kTagLen) return false;
  uint8_t word[4];
  store_be32(word, e_index);
  const auto iv = make_rtcp_iv(rtcp_salt_, ssrc, e_index);
  // RFC 7714 §9: with E = 1 the AAD is the 8-byte header || E || index and the rest is encrypted;
  // with E = 0 the whole packet is AAD and the plaintext is empty.
  if ((e_index >> 31) != 0) {
    return rtcp_cipher_.seal(iv, packet.first(kRtcpHeaderLen), word, packet.subspan(kRtcpHeaderLen),
                             tag.first<kTagLen>());
  }
  return rtcp_cipher_.seal(iv, packet, word, {}, tag.first<kTagLen>());
}

bool GcmTransform::unprotect_rtcp(std::span<uint8_t> packet, uint32_t ssrc, uint32_t e_index,
                                  std::span<const uint8_t> tag) noexcept {
  if (tag.size() != kTagLen) return false;
  uint8_t word[4];
  store_be32(word, e_index);
  const auto iv = make_rtcp_iv(rtcp_salt_, ssrc, e_index);
  if ((e_index >> 31) == 0) {
    return rtcp_cipher_.open(iv, packet, word, {}, tag.first<kTagLen>());
  }
  const auto body = packet.subspan(kRtcpHeaderLen);
  if (rtcp_cipher_.open(iv, packet.first(kRtcpHeaderLen), word, body, tag.first<kTagLen>())) {
    return true;
  }
  std::memset(body.data(), 0, body.size());
  return false;
}

}  // namespace tandem::srtp
