// Debian's libsrtp2 (2.5, built on NSS) behind one thin RAII wrapper: the cross-check oracle of
// the SRTP unit tests and the baseline of bench/tandem_bench_srtp. It adds no copy or allocation
// around srtp_protect/srtp_unprotect, so the benchmark's figures are libsrtp2's own. Linked
// only into tests and benchmarks, never into src/.
#pragma once

#include <srtp2/srtp.h>

#include <cstdint>
#include <span>
#include <vector>

#include "srtp/profile.hpp"

namespace tandem::test {

class LibsrtpSession {
 public:
  // Keys as for srtp::SrtpSession::create; any SSRC, replay window 128. ok() is false when
  // libsrtp2 refused them.
  LibsrtpSession(srtp::Profile profile, std::span<const uint8_t> master_key,
                 std::span<const uint8_t> master_salt, bool outbound) noexcept;
  ~LibsrtpSession();
  LibsrtpSession(LibsrtpSession&& other) noexcept : session_(other.session_) {
    other.session_ = nullptr;
  }
  LibsrtpSession(const LibsrtpSession&) = delete;
  LibsrtpSession& operator=(const LibsrtpSession&) = delete;
  LibsrtpSession& operator=(LibsrtpSession&&) = delete;

  bool ok() const noexcept { return session_ != nullptr; }

  // In place on packet[0..length); the buffer behind it must have SRTP_MAX_TRAILER_LEN bytes of
  // tail room. length is updated; false on any libsrtp2 error.
  bool protect(uint8_t* packet, int& length) noexcept {
    return srtp_protect(session_, packet, &length) == srtp_err_status_ok;
  }
  bool unprotect(uint8_t* packet, int& length) noexcept {
    return srtp_unprotect(session_, packet, &length) == srtp_err_status_ok;
  }

  // The same on a vector, which grows or shrinks with the packet.
  bool protect_rtp(std::vector<uint8_t>& packet) { return run(srtp_protect, packet); }
  bool unprotect_rtp(std::vector<uint8_t>& packet) { return run(srtp_unprotect, packet); }
  bool protect_rtcp(std::vector<uint8_t>& packet) { return run(srtp_protect_rtcp, packet); }
  bool unprotect_rtcp(std::vector<uint8_t>& packet) { return run(srtp_unprotect_rtcp, packet); }

 private:
  using Fn = srtp_err_status_t (*)(srtp_t, void*, int*);
  bool run(Fn fn, std::vector<uint8_t>& packet);

  srtp_t session_ = nullptr;
};

}  // namespace tandem::test
