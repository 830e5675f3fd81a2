// What every DTLS-SRTP transport of a worker (or the process) shares: the SSL_CTX with our
// certificate, DTLS 1.2 only, use_srtp profiles, cipher suites and peer-certificate policy, plus
// the BIO method. Built once; transports only create an SSL from it. Must outlive them.
#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "dtls/dtls_certificate.hpp"
#include "dtls/openssl_ptr.hpp"
#include "srtp/srtp_types.hpp"

namespace tandem::dtls {

struct DtlsOptions {
  // Largest DTLS datagram we send (UDP payload). 1200 keeps a handshake flight inside any
  // tunnel or TURN relay path, as browsers do.
  size_t mtu = 1200;
  // RFC 6347 §4.2.4.1: initial retransmission timer 1 s, doubled per timeout, at most 60 s.
  // A transport may lower its own (set_initial_retransmit) from a measured ICE round trip.
  Duration initial_retransmit{1000};
  Duration max_retransmit{60000};
  // Give up on a handshake that has not completed after this long.
  Duration handshake_timeout{30000};
  // use_srtp offer/preference (RFC 5764 §4.1.1, RFC 7714 §14.2), OpenSSL names, best first.
  std::string srtp_profiles =
      "SRTP_AEAD_AES_128_GCM:SRTP_AEAD_AES_256_GCM:SRTP_AES128_CM_SHA1_80:SRTP_AES128_CM_SHA1_32";
  srtp::SessionOptions srtp_session;
};

class DtlsContext {
 public:
  static Result<DtlsContext> create(const DtlsCertificate& certificate, DtlsOptions options = {});

  DtlsContext(DtlsContext&&) noexcept = default;
  DtlsContext& operator=(DtlsContext&&) noexcept = default;

  SSL_CTX* ssl_ctx() const noexcept { return ctx_.get(); }
  const BIO_METHOD* bio_method() const noexcept { return bio_method_.get(); }
  const DtlsOptions& options() const noexcept { return options_; }
  const DtlsCertificate& certificate() const noexcept { return certificate_; }
  // For a=fingerprint:sha-256 in our SDP.
  const std::string& fingerprint_sha256() const noexcept {
    return certificate_.fingerprint_sha256();
  }

 private:
  DtlsContext(SslCtxPtr ctx, BioMethodPtr bio_method, DtlsCertificate certificate,
              DtlsOptions options);

  SslCtxPtr ctx_;
  BioMethodPtr bio_method_;
  DtlsCertificate certificate_;
  DtlsOptions options_;
};

}  // namespace tandem::dtls
