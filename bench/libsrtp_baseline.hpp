// Debian's libsrtp2 (2.5, built on NSS) as the benchmark baseline for our SRTP transform: a thin
// RAII wrapper over srtp_create/srtp_protect/srtp_unprotect that adds no copy or allocation, so
// the figures are libsrtp2's own. Linked only into bench/ and the unit tests, never into src/.
#pragma once

#include <srtp2/srtp.h>

#include <cstdint>
#include <span>

#include "srtp/profile.hpp"

namespace tandem::bench {

class LibsrtpSession {
 public:
  // Keys as for srtp::SrtpSession::create. ok() is false when libsrtp2 refused them.
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

 private:
  srtp_t session_ = nullptr;
};

}  // namespace tandem::bench
