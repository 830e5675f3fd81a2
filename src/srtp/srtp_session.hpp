// One SRTP/SRTCP cryptographic context (RFC 3711 §3.2) for one direction: protects or
// unprotects RTP and RTCP packets in place, tracking ROC, replay windows and SRTCP indexes per
// SSRC. The packet path does not throw, lock, log or allocate, inside the crypto libraries
// included (allocation_test).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>

#include "common/result.hpp"
#include "srtp/cm_transform.hpp"
#include "srtp/gcm_transform.hpp"
#include "srtp/profile.hpp"
#include "srtp/srtp_types.hpp"
#include "srtp/stream_table.hpp"

namespace tandem::srtp {

class SrtpSession {
 public:
  // Bytes protect may append: the GCM tag for SRTP; tag plus E || SRTCP index for SRTCP.
  static constexpr size_t kMaxRtpTrailer = 16;
  static constexpr size_t kMaxRtcpTrailer = 20;
  static constexpr size_t kMaxTrailer = kMaxRtcpTrailer;

  // master_key/master_salt as negotiated (DTLS-SRTP exporter or SDES inline key), sized for the
  // profile. Errors only here, at set-up.
  static Result<SrtpSession> create(Profile profile, std::span<const uint8_t> master_key,
                                    std::span<const uint8_t> master_salt, Direction direction,
                                    const SessionOptions& options = {});

  SrtpSession(SrtpSession&&) noexcept = default;
  SrtpSession& operator=(SrtpSession&&) noexcept = default;
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;
  ~SrtpSession() = default;

  // buffer is the whole writable area starting at the packet, length the packet's size. On kOk
  // length grows by the trailer (protect) or shrinks to the plain packet (unprotect); on any
  // other status the packet must be dropped and length is unchanged.
  SrtpStatus protect_rtp(std::span<uint8_t> buffer, size_t& length) noexcept;
  SrtpStatus unprotect_rtp(std::span<uint8_t> buffer, size_t& length) noexcept;
  SrtpStatus protect_rtcp(std::span<uint8_t> buffer, size_t& length) noexcept;
  SrtpStatus unprotect_rtcp(std::span<uint8_t> buffer, size_t& length) noexcept;

  // Forgets an SSRC's state (e.g. after RTCP BYE) so its slot can be reused.
  bool remove_stream(uint32_t ssrc) noexcept { return streams_.remove(ssrc); }

  Profile profile() const noexcept { return info_->profile; }
  Direction direction() const noexcept { return direction_; }
  size_t rtp_trailer_len() const noexcept { return info_->rtp_tag_len; }
  size_t rtcp_trailer_len() const noexcept { return info_->rtcp_tag_len + 4; }
  const Stats& stats() const noexcept { return stats_; }

 private:
  using Transform = std::variant<CmTransform, GcmTransform>;

  SrtpSession(const ProfileInfo& info, Direction direction, const SessionOptions& options,
              Transform transform, StreamTable streams);

  SrtpStatus fail(SrtpStatus status) noexcept;

  const ProfileInfo* info_;
  Direction direction_;
  bool allow_repeat_tx_;
  Transform transform_;
  StreamTable streams_;
  Stats stats_;
};

}  // namespace tandem::srtp
