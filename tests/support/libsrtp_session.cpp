#include "support/libsrtp_session.hpp"

#include <array>
#include <cstring>

namespace tandem::test {
namespace {

srtp_profile_t to_libsrtp(srtp::Profile profile) noexcept {
  switch (profile) {
    case srtp::Profile::kAes128CmHmacSha1_80:
      return srtp_profile_aes128_cm_sha1_80;
    case srtp::Profile::kAes128CmHmacSha1_32:
      return srtp_profile_aes128_cm_sha1_32;
    case srtp::Profile::kAeadAes128Gcm:
      return srtp_profile_aead_aes_128_gcm;
    case srtp::Profile::kAeadAes256Gcm:
      return srtp_profile_aead_aes_256_gcm;
  }
  return srtp_profile_reserved;
}

}  // namespace

LibsrtpSession::LibsrtpSession(srtp::Profile profile, std::span<const uint8_t> master_key,
                               std::span<const uint8_t> master_salt, bool outbound) noexcept {
  // libsrtp 2.5's srtp_init re-runs (and then fails) its self-tests when called again: once.
  static const bool initialised = srtp_init() == srtp_err_status_ok;
  if (!initialised) return;
  // libsrtp takes key || salt in one buffer; on the stack, so that creation allocates nothing
  // on our side and the benchmark times only libsrtp's own work.
  std::array<uint8_t, 64> key{};
  if (master_key.size() + master_salt.size() > key.size()) return;
  std::memcpy(key.data(), master_key.data(), master_key.size());
  std::memcpy(key.data() + master_key.size(), master_salt.data(), master_salt.size());
  srtp_policy_t policy{};
  if (srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, to_libsrtp(profile)) ||
      srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp, to_libsrtp(profile))) {
    return;
  }
  policy.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
  policy.key = key.data();
  policy.window_size = 128;
  policy.allow_repeat_tx = 0;
  if (srtp_create(&session_, &policy) != srtp_err_status_ok) session_ = nullptr;
}

LibsrtpSession::~LibsrtpSession() {
  if (session_ != nullptr) srtp_dealloc(session_);
}

bool LibsrtpSession::run(Fn fn, std::vector<uint8_t>& packet) {
  int len = static_cast<int>(packet.size());
  packet.resize(packet.size() + SRTP_MAX_TRAILER_LEN + 16);
  const bool ok = fn(session_, packet.data(), &len) == srtp_err_status_ok;
  packet.resize(ok ? static_cast<size_t>(len) : packet.size() - SRTP_MAX_TRAILER_LEN - 16);
  return ok;
}

}  // namespace tandem::test
