// DTLS-SRTP keying material (RFC 5764 §4.2): the exporter output split into the client's and
// the server's SRTP master key and salt, and the two SRTP sessions one endpoint needs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "common/result.hpp"
#include "dtls/dtls_types.hpp"
#include "srtp/profile.hpp"
#include "srtp/srtp_session.hpp"
#include "srtp/srtp_types.hpp"

namespace tandem::dtls {

// What an endpoint protects its own media with (outbound) and checks the peer's with (inbound).
struct SrtpSessionPair {
  srtp::SrtpSession inbound;
  srtp::SrtpSession outbound;
};

class SrtpKeyMaterial {
 public:
  // RFC 5764 §4.2 exporter label (RFC 5705 keying material exporter).
  static constexpr std::string_view kExporterLabel = "EXTRACTOR-dtls_srtp";

  // 2 * (master key + master salt) for the profile: 60 for the AES-CM ones, 56 for AES-128-GCM.
  static size_t exported_length(srtp::Profile profile) noexcept;

  // exported must be exactly exported_length(profile) bytes, laid out as
  //   client_write_SRTP_master_key | server_write_SRTP_master_key |
  //   client_write_SRTP_master_salt | server_write_SRTP_master_salt   (RFC 5764 §4.2)
  static Result<SrtpKeyMaterial> from_exported(srtp::Profile profile,
                                               std::span<const uint8_t> exported);

  SrtpKeyMaterial(const SrtpKeyMaterial&) = default;
  SrtpKeyMaterial& operator=(const SrtpKeyMaterial&) = default;
  ~SrtpKeyMaterial();

  srtp::Profile profile() const noexcept { return profile_; }
  std::span<const uint8_t> exported() const noexcept { return {material_.data(), length_}; }
  std::span<const uint8_t> client_write_key() const noexcept;
  std::span<const uint8_t> server_write_key() const noexcept;
  std::span<const uint8_t> client_write_salt() const noexcept;
  std::span<const uint8_t> server_write_salt() const noexcept;
  // The key and salt the endpoint in `writer` role protects with.
  std::span<const uint8_t> write_key(Role writer) const noexcept;
  std::span<const uint8_t> write_salt(Role writer) const noexcept;

  // Outbound uses our role's write key, inbound the peer's (RFC 5764 §4.2).
  Result<SrtpSessionPair> make_sessions(Role local_role,
                                        const srtp::SessionOptions& options = {}) const;

 private:
  SrtpKeyMaterial(srtp::Profile profile, std::span<const uint8_t> exported) noexcept;

  // Largest: AES-256-GCM, 2 * (32 + 12); AES-CM: 2 * (16 + 14).
  static constexpr size_t kMaxLength = 2 * (32 + 14);

  srtp::Profile profile_;
  uint8_t key_len_;
  uint8_t salt_len_;
  uint8_t length_;
  std::array<uint8_t, kMaxLength> material_{};
};

}  // namespace tandem::dtls
