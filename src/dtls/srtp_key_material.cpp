#include "dtls/srtp_key_material.hpp"

#include <openssl/crypto.h>

#include <cstring>
#include <string>

namespace tandem::dtls {

size_t SrtpKeyMaterial::exported_length(srtp::Profile profile) noexcept {
  const srtp::ProfileInfo& info = srtp::profile_info(profile);
  return 2 * (info.master_key_len + info.master_salt_len);
}

SrtpKeyMaterial::SrtpKeyMaterial(srtp::Profile profile, std::span<const uint8_t> exported) noexcept
    : profile_(profile),
      key_len_(static_cast<uint8_t>(srtp::profile_info(profile).master_key_len)),
      salt_len_(static_cast<uint8_t>(srtp::profile_info(profile).master_salt_len)),
      length_(static_cast<uint8_t>(exported.size())) {
  std::memcpy(material_.data(), exported.data(), exported.size());
}

SrtpKeyMaterial::~SrtpKeyMaterial() { OPENSSL_cleanse(material_.data(), material_.size()); }

Result<SrtpKeyMaterial> SrtpKeyMaterial::from_exported(srtp::Profile profile,
                                                       std::span<const uint8_t> exported) {
  const size_t expected = exported_length(profile);
  if (exported.size() != expected) {
    return Error{"DTLS-SRTP keying material for " +
                 std::string(srtp::profile_info(profile).dtls_name) + " must be " +
                 std::to_string(expected) + " bytes, got " + std::to_string(exported.size())};
  }
  return SrtpKeyMaterial(profile, exported);
}

std::span<const uint8_t> SrtpKeyMaterial::client_write_key() const noexcept {
  return {material_.data(), key_len_};
}
std::span<const uint8_t> SrtpKeyMaterial::server_write_key() const noexcept {
  return {material_.data() + key_len_, key_len_};
}
std::span<const uint8_t> SrtpKeyMaterial::client_write_salt() const noexcept {
  return {material_.data() + 2 * key_len_, salt_len_};
}
std::span<const uint8_t> SrtpKeyMaterial::server_write_salt() const noexcept {
  return {material_.data() + 2 * key_len_ + salt_len_, salt_len_};
}

std::span<const uint8_t> SrtpKeyMaterial::write_key(Role writer) const noexcept {
  return writer == Role::kClient ? client_write_key() : server_write_key();
}
std::span<const uint8_t> SrtpKeyMaterial::write_salt(Role writer) const noexcept {
  return writer == Role::kClient ? client_write_salt() : server_write_salt();
}

Result<SrtpSessionPair> SrtpKeyMaterial::make_sessions(Role local_role,
                                                       const srtp::SessionOptions& options) const {
  const Role remote_role = local_role == Role::kClient ? Role::kServer : Role::kClient;
  Result<srtp::SrtpSession> outbound = srtp::SrtpSession::create(
      profile_, write_key(local_role), write_salt(local_role), srtp::Direction::kOutbound, options);
  if (!outbound) return Error{"outbound SRTP session: " + outbound.error().reason};
  Result<srtp::SrtpSession> inbound =
      srtp::SrtpSession::create(profile_, write_key(remote_role), write_salt(remote_role),
                                srtp::Direction::kInbound, options);
  if (!inbound) return Error{"inbound SRTP session: " + inbound.error().reason};
  return SrtpSessionPair{std::move(inbound).value(), std::move(outbound).value()};
}

}  // namespace tandem::dtls
