#include "srtp/profile.hpp"

#include <array>

namespace tandem::srtp {
namespace {

constexpr std::array<ProfileInfo, 4> kProfiles = {{
    {Profile::kAes128CmHmacSha1_80, 16, 14, 10, 10, false, 0x0001, "SRTP_AES128_CM_SHA1_80",
     "AES_CM_128_HMAC_SHA1_80"},
    {Profile::kAes128CmHmacSha1_32, 16, 14, 4, 10, false, 0x0002, "SRTP_AES128_CM_SHA1_32",
     "AES_CM_128_HMAC_SHA1_32"},
    // RFC 7714 §12: 96-bit master salts, 16-octet GCM tag on both SRTP and SRTCP.
    {Profile::kAeadAes128Gcm, 16, 12, 16, 16, true, 0x0007, "SRTP_AEAD_AES_128_GCM",
     "AEAD_AES_128_GCM"},
    {Profile::kAeadAes256Gcm, 32, 12, 16, 16, true, 0x0008, "SRTP_AEAD_AES_256_GCM",
     "AEAD_AES_256_GCM"},
}};

// RFC 5764 §4.1.2 spells the CM profiles with "_HMAC"; OpenSSL drops it.
constexpr std::string_view kRfc5764Names[] = {"SRTP_AES128_CM_HMAC_SHA1_80",
                                              "SRTP_AES128_CM_HMAC_SHA1_32"};

}  // namespace

const ProfileInfo& profile_info(Profile profile) noexcept {
  return kProfiles[static_cast<size_t>(profile)];
}

std::optional<Profile> profile_from_name(std::string_view name) noexcept {
  for (const ProfileInfo& info : kProfiles) {
    if (name == info.dtls_name || name == info.sdes_name) return info.profile;
  }
  if (name == kRfc5764Names[0]) return Profile::kAes128CmHmacSha1_80;
  if (name == kRfc5764Names[1]) return Profile::kAes128CmHmacSha1_32;
  return std::nullopt;
}

std::optional<Profile> profile_from_dtls_id(uint16_t id) noexcept {
  for (const ProfileInfo& info : kProfiles) {
    if (info.dtls_id == id) return info.profile;
  }
  return std::nullopt;
}

}  // namespace tandem::srtp
