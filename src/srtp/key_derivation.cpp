#include "srtp/key_derivation.hpp"

#include <openssl/crypto.h>

#include <algorithm>

namespace tandem::srtp {

SessionKeys::~SessionKeys() { OPENSSL_cleanse(this, sizeof *this); }

KeyDerivation::KeyDerivation(AesCtr prf, std::span<const uint8_t> master_salt)
    : prf_(std::move(prf)) {
  std::copy(master_salt.begin(), master_salt.end(), salt_.begin());
}

Result<KeyDerivation> KeyDerivation::create(std::span<const uint8_t> master_key,
                                            std::span<const uint8_t> master_salt) {
  if (master_salt.size() != 14 && master_salt.size() != 12) {
    return Error{"master salt must be 14 (AES-CM) or 12 (AEAD) bytes"};
  }
  auto prf = AesCtr::create(master_key);
  if (!prf) return prf.error();
  return KeyDerivation(std::move(prf).value(), master_salt);
}

bool KeyDerivation::derive(KeyLabel label, std::span<uint8_t> out) noexcept {
  // §4.3.1: key_id = label || r (r = 0 here) sits in the low 56 bits of the 112-bit x, so the
  // label lands on byte 7; x = key_id XOR master_salt. §4.3.3: the PRF output is the AES-CM
  // keystream for IV = x * 2^16, i.e. x followed by a zero 16-bit block counter.
  AesCtr::Iv iv{};
  std::copy(salt_.begin(), salt_.end(), iv.begin());
  iv[7] ^= static_cast<uint8_t>(label);
  std::fill(out.begin(), out.end(), uint8_t{0});
  return prf_.apply(iv, out);
}

bool KeyDerivation::derive_session_keys(const ProfileInfo& info, SessionKeys& keys) noexcept {
  keys.key_len = info.master_key_len;
  keys.salt_len = info.master_salt_len;
  const size_t k = keys.key_len;
  const size_t s = keys.salt_len;
  bool ok = derive(KeyLabel::kRtpEncryption, std::span(keys.rtp_key).first(k)) &&
            derive(KeyLabel::kRtpSalt, std::span(keys.rtp_salt).first(s)) &&
            derive(KeyLabel::kRtcpEncryption, std::span(keys.rtcp_key).first(k)) &&
            derive(KeyLabel::kRtcpSalt, std::span(keys.rtcp_salt).first(s));
  if (ok && !info.aead) {
    ok = derive(KeyLabel::kRtpAuth, keys.rtp_auth_key) &&
         derive(KeyLabel::kRtcpAuth, keys.rtcp_auth_key);
  }
  return ok;
}

}  // namespace tandem::srtp
