#include "dtls/dtls_context.hpp"

#include <openssl/err.h>

#include "dtls/datagram_io.hpp"
#include "dtls/dtls_transport.hpp"

namespace tandem::dtls {
namespace {

// ECDHE only (forward secrecy, RFC 8827 §6.5). ECDSA suites for our certificate and browsers';
// RSA ones so that we can still be the client of a PBX with an RSA certificate.
constexpr const char* kCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA";

// Firefox also offers X25519MLKEM768, which OpenSSL 3.0 ignores, settling on one of these.
constexpr const char* kGroups = "X25519:P-256:P-384";

Error openssl_error(std::string what) {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code != 0) {
    char text[256];
    ERR_error_string_n(code, text, sizeof(text));
    what += ": ";
    what += text;
  }
  return Error{std::move(what)};
}

}  // namespace

DtlsContext::DtlsContext(SslCtxPtr ctx, BioMethodPtr bio_method, DtlsCertificate certificate,
                         DtlsOptions options)
    : ctx_(std::move(ctx)),
      bio_method_(std::move(bio_method)),
      certificate_(std::move(certificate)),
      options_(std::move(options)) {}

Result<DtlsContext> DtlsContext::create(const DtlsCertificate& certificate, DtlsOptions options) {
  if (options.mtu < 256 || options.mtu > 16384) {
    return Error{"DTLS MTU must be within 256..16384 bytes"};
  }
  if (options.initial_retransmit.count() <= 0 ||
      options.max_retransmit < options.initial_retransmit) {
    return Error{"DTLS retransmission timers must be positive, max >= initial"};
  }
  ERR_clear_error();
  SslCtxPtr ctx(SSL_CTX_new(DTLS_method()));
  if (!ctx) return openssl_error("cannot create the DTLS SSL_CTX");
  SSL_CTX* c = ctx.get();

  // WebRTC requires DTLS 1.2 (RFC 8827 §6.5); 1.0 is obsolete (RFC 8996).
  if (SSL_CTX_set_min_proto_version(c, DTLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(c, DTLS1_2_VERSION) != 1) {
    return openssl_error("cannot restrict the context to DTLS 1.2");
  }
  if (SSL_CTX_use_certificate(c, certificate.x509()) != 1 ||
      SSL_CTX_use_PrivateKey(c, certificate.private_key()) != 1 ||
      SSL_CTX_check_private_key(c) != 1) {
    return openssl_error("cannot install the DTLS certificate");
  }
  if (SSL_CTX_set_cipher_list(c, kCipherList) != 1) {
    return openssl_error("no usable DTLS cipher suite");
  }
  if (SSL_CTX_set1_groups_list(c, kGroups) != 1) {
    return openssl_error("cannot set the ECDHE groups");
  }
  // Returns 0 on success, unlike the rest of the API.
  if (SSL_CTX_set_tlsext_use_srtp(c, options.srtp_profiles.c_str()) != 0) {
    return openssl_error("invalid SRTP profile list '" + options.srtp_profiles + "'");
  }
  // Both sides present a certificate; trust comes from the SDP fingerprint (RFC 5763 §5), so
  // chain building is replaced by DtlsTransport's fingerprint check.
  SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_cert_verify_callback(c, &DtlsTransport::verify_certificate_callback, nullptr);
  // Our MTU, not a socket's (there is none); no tickets, sessions or renegotiation: each
  // DTLS-SRTP association is one full handshake (RFC 5764 §4.1).
  SSL_CTX_set_options(c, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
                             SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_info_callback(c, &DtlsTransport::info_callback);

  Result<BioMethodPtr> method = DatagramIo::make_method();
  if (!method) return method.error();
  return DtlsContext(std::move(ctx), std::move(method).value(), certificate, std::move(options));
}

}  // namespace tandem::dtls
