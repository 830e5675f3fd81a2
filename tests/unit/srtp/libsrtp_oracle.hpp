// libsrtp2 (Debian's NSS build) wrapped as a test oracle for cross-checking tandem_srtp.
#pragma once

#include <srtp2/srtp.h>

#include <cstdint>
#include <span>
#include <vector>

#include "srtp/profile.hpp"

namespace tandem::srtp::test {

class LibsrtpSession {
 public:
  LibsrtpSession(Profile profile, std::span<const uint8_t> master_key,
                 std::span<const uint8_t> master_salt, bool outbound);
  ~LibsrtpSession();
  LibsrtpSession(const LibsrtpSession&) = delete;
  LibsrtpSession& operator=(const LibsrtpSession&) = delete;

  bool ok() const { return session_ != nullptr; }

  // Transform packet in place (growing or shrinking it); false on any libsrtp error.
  bool protect_rtp(std::vector<uint8_t>& packet);
  bool unprotect_rtp(std::vector<uint8_t>& packet);
  bool protect_rtcp(std::vector<uint8_t>& packet);
  bool unprotect_rtcp(std::vector<uint8_t>& packet);

 private:
  using Fn = srtp_err_status_t (*)(srtp_t, void*, int*);
  bool run(Fn fn, std::vector<uint8_t>& packet);

  srtp_t session_ = nullptr;
};

}  // namespace tandem::srtp::test
