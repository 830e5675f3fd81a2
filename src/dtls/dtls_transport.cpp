#include "dtls/dtls_transport.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/srtp.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <array>
#include <chrono>

namespace tandem::dtls {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;

// RFC 6347 §4.1.1: a record carries at most 2^14 bytes of plaintext.
constexpr size_t kMaxRecordPlaintext = 16384;

std::string seconds_text(Duration duration) {
  return std::to_string(duration.count() / 1000) + "." +
         std::to_string(duration.count() % 1000 / 100) + " s";
}

}  // namespace

DtlsTransport::DtlsTransport(const DtlsContext& context, Role role,
                             std::string_view remote_fingerprint_alg,
                             std::string_view remote_fingerprint, DtlsListener& listener)
    : context_(context),
      listener_(listener),
      role_(role),
      initial_retransmit_(context.options().initial_retransmit),
      io_(context.options().mtu) {
  Result<Fingerprint> parsed = Fingerprint::parse(remote_fingerprint_alg, remote_fingerprint);
  if (!parsed) {
    setup_error_ = "remote fingerprint: " + parsed.error().reason;
    return;
  }
  remote_fingerprint_ = *parsed;

  ERR_clear_error();
  ssl_.reset(SSL_new(context.ssl_ctx()));
  BIO* bio = ssl_ ? io_.new_bio(context.bio_method()) : nullptr;
  if (bio == nullptr) {
    setup_error_ = error_reason("cannot create the DTLS session");
    return;
  }
  SSL_set_bio(ssl_.get(), bio, bio);  // one BIO both ways; the SSL owns it
  SSL_set_app_data(ssl_.get(), this);
  DTLS_set_timer_cb(ssl_.get(), &DtlsTransport::timer_callback);
  // OpenSSL's MTU is the datagram size it fills with records (headers included). Returns the
  // MTU set, 0 when below its minimum.
  if (SSL_set_mtu(ssl_.get(), static_cast<long>(context.options().mtu)) <= 0) {
    setup_error_ = "DTLS MTU " + std::to_string(context.options().mtu) + " is too small";
    return;
  }
  if (role == Role::kClient) {
    SSL_set_connect_state(ssl_.get());
  } else {
    SSL_set_accept_state(ssl_.get());
  }
}

DtlsTransport::~DtlsTransport() {
  // The SSL may outlive nothing of ours: detach before it is freed.
  if (ssl_) SSL_set_app_data(ssl_.get(), nullptr);
}

DtlsTransport* DtlsTransport::from(const SSL* ssl) noexcept {
  return ssl == nullptr ? nullptr : static_cast<DtlsTransport*>(SSL_get_app_data(ssl));
}

void DtlsTransport::start(TimePoint now) {
  if (state_ != State::kNew) return;
  if (!setup_error_.empty()) {
    fail(setup_error_);
    return;
  }
  state_ = State::kConnecting;
  started_at_ = now;
  handshake_deadline_ = now + context_.options().handshake_timeout;
  continue_handshake(now);
}

void DtlsTransport::on_datagram(std::span<const uint8_t> datagram, TimePoint now) {
  if (!looks_like_dtls(datagram)) {
    ++stats_.datagrams_dropped;
    return;
  }
  if (state_ == State::kNew && role_ == Role::kServer) start(now);
  if (state_ != State::kConnecting && state_ != State::kConnected) {
    ++stats_.datagrams_dropped;
    return;
  }
  ++stats_.datagrams_received;
  io_.set_input(datagram);
  if (state_ == State::kConnecting) {
    continue_handshake(now);
  } else {
    read_records();
    flush();
    update_deadline(now);
  }
  io_.clear_input();
}

void DtlsTransport::on_tick(TimePoint now) {
  if (state_ != State::kConnecting && state_ != State::kConnected) return;
  if (state_ == State::kConnecting && handshake_deadline_ && now >= *handshake_deadline_) {
    fail("DTLS handshake timed out after " + seconds_text(context_.options().handshake_timeout) +
         " (" + std::to_string(stats_.retransmissions) + " retransmissions)");
    return;
  }
  if (!retransmit_deadline_ || now < *retransmit_deadline_) return;
  ERR_clear_error();
  const int result = DTLSv1_handle_timeout(ssl_.get());
  if (result > 0) ++stats_.retransmissions;
  flush();
  if (result < 0) {
    // OpenSSL gives up after 12 timeouts of one flight (DTLS1_TMO_ALERT_COUNT).
    fail(error_reason("DTLS handshake timed out: the peer never answered"));
    return;
  }
  update_deadline(now);
}

std::optional<TimePoint> DtlsTransport::next_deadline() const noexcept {
  if (state_ == State::kConnecting) {
    if (!retransmit_deadline_) return handshake_deadline_;
    if (!handshake_deadline_) return retransmit_deadline_;
    return std::min(*retransmit_deadline_, *handshake_deadline_);
  }
  // A client whose last flight is unacknowledged keeps its timer after the handshake.
  if (state_ == State::kConnected) return retransmit_deadline_;
  return std::nullopt;
}

void DtlsTransport::continue_handshake(TimePoint now) {
  ERR_clear_error();
  const int result = SSL_do_handshake(ssl_.get());
  if (result == 1) {
    flush();
    update_deadline(now);
    complete_handshake(now);
    // Records after the Finished in the same datagram (early application data).
    if (state_ == State::kConnected) read_records();
  } else {
    on_ssl_error(result);
  }
  flush();
  if (state_ == State::kConnecting || state_ == State::kConnected) update_deadline(now);
}

void DtlsTransport::complete_handshake(TimePoint now) {
  // The verify callback ran (SSL_VERIFY_PEER | FAIL_IF_NO_PEER_CERT), but check explicitly:
  // media keys must never come from an unauthenticated handshake (RFC 5763 §5).
  if (!peer_verified_ || SSL_get0_peer_certificate(ssl_.get()) == nullptr) {
    fail("the peer certificate was not checked against the SDP fingerprint");
    return;
  }
  const SRTP_PROTECTION_PROFILE* selected = SSL_get_selected_srtp_profile(ssl_.get());
  if (selected == nullptr) {
    fail("the peer did not negotiate DTLS-SRTP (no use_srtp extension, RFC 5764 §4.1.1)");
    return;
  }
  const std::optional<srtp::Profile> profile =
      srtp::profile_from_dtls_id(static_cast<uint16_t>(selected->id));
  if (!profile) {
    fail("unsupported SRTP profile " + std::string(selected->name));
    return;
  }
  std::array<uint8_t, 2 * (32 + 14)> exported{};
  const std::span<uint8_t> out(exported.data(), SrtpKeyMaterial::exported_length(*profile));
  Status status = export_keying_material(SrtpKeyMaterial::kExporterLabel, out);
  Result<SrtpKeyMaterial> keys = status ? SrtpKeyMaterial::from_exported(*profile, out)
                                        : Result<SrtpKeyMaterial>(status.error());
  OPENSSL_cleanse(exported.data(), exported.size());
  if (!keys) {
    fail("SRTP key export: " + keys.error().reason);
    return;
  }
  Result<SrtpSessionPair> sessions = keys->make_sessions(role_, context_.options().srtp_session);
  if (!sessions) {
    fail(sessions.error().reason);
    return;
  }
  state_ = State::kConnected;
  srtp_profile_ = profile;
  handshake_deadline_.reset();
  handshake_duration_ = std::chrono::duration_cast<Duration>(now - started_at_);
  listener_.on_dtls_connected(*keys, std::move(sessions).value());
}

void DtlsTransport::read_records() {
  std::array<uint8_t, kMaxRecordPlaintext> buffer;
  while (state_ == State::kConnected) {
    ERR_clear_error();
    const int n = SSL_read(ssl_.get(), buffer.data(), static_cast<int>(buffer.size()));
    if (n > 0) {
      listener_.on_dtls_application_data(
          std::span<const uint8_t>(buffer.data(), static_cast<size_t>(n)));
      continue;
    }
    on_ssl_error(n);
    return;
  }
}

void DtlsTransport::on_ssl_error(int ret) {
  switch (SSL_get_error(ssl_.get(), ret)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      return;
    case SSL_ERROR_ZERO_RETURN:
      peer_closed();
      return;
    default:
      fail(error_reason(state_ == State::kConnecting ? "DTLS handshake failed"
                                                     : "DTLS protocol error"));
      return;
  }
}

void DtlsTransport::peer_closed() {
  // Answer with our own close_notify (RFC 5246 §7.2.1); a failure here changes nothing.
  ERR_clear_error();
  SSL_shutdown(ssl_.get());
  ERR_clear_error();
  flush();
  state_ = State::kClosed;
  retransmit_deadline_.reset();
  handshake_deadline_.reset();
  listener_.on_dtls_closed();
}

void DtlsTransport::close() {
  if (state_ == State::kConnected) {
    ERR_clear_error();
    SSL_shutdown(ssl_.get());
    ERR_clear_error();
    flush();
  }
  if (state_ != State::kFailed) state_ = State::kClosed;
  retransmit_deadline_.reset();
  handshake_deadline_.reset();
}

Status DtlsTransport::send_application_data(std::span<const uint8_t> data) {
  if (state_ != State::kConnected) {
    return Error{"DTLS transport is " + std::string(to_string(state_)) + ", not connected"};
  }
  if (data.empty() || data.size() > kMaxRecordPlaintext) {
    return Error{"application data must be 1.." + std::to_string(kMaxRecordPlaintext) + " bytes"};
  }
  ERR_clear_error();
  const int n = SSL_write(ssl_.get(), data.data(), static_cast<int>(data.size()));
  flush();
  if (n <= 0) return Error{error_reason("DTLS write failed")};
  return Ok{};
}

Status DtlsTransport::export_keying_material(std::string_view label, std::span<uint8_t> out) const {
  if (!ssl_ || !SSL_is_init_finished(ssl_.get())) {
    return Error{"keying material is available only after the handshake"};
  }
  // No context value: RFC 5764 §4.2 exports without one.
  if (SSL_export_keying_material(ssl_.get(), out.data(), out.size(), label.data(), label.size(),
                                 nullptr, 0, 0) != 1) {
    ERR_clear_error();
    return Error{"SSL_export_keying_material failed"};
  }
  return Ok{};
}

void DtlsTransport::fail(std::string reason) {
  flush();  // a fatal alert OpenSSL queued goes out first
  state_ = State::kFailed;
  retransmit_deadline_.reset();
  handshake_deadline_.reset();
  failure_reason_ = std::move(reason);
  ERR_clear_error();
  listener_.on_dtls_failed(failure_reason_);
}

void DtlsTransport::flush() {
  if (!io_.has_output()) return;
  io_.drain([this](std::span<const uint8_t> datagram) {
    ++stats_.datagrams_sent;
    stats_.bytes_sent += datagram.size();
    listener_.on_dtls_send(datagram);
  });
}

void DtlsTransport::update_deadline(TimePoint now) {
  timeval left{};
  if (!ssl_ || DTLSv1_get_timeout(ssl_.get(), &left) != 1) {
    retransmit_deadline_.reset();
  } else if (timer_armed_us_ != 0) {
    // OpenSSL (re)started its timer during this call with the duration timer_callback chose.
    retransmit_deadline_ = now + microseconds(timer_armed_us_);
  } else if (!retransmit_deadline_) {
    retransmit_deadline_ = now + std::chrono::seconds(left.tv_sec) + microseconds(left.tv_usec);
  }
  timer_armed_us_ = 0;
}

std::string DtlsTransport::error_reason(std::string_view fallback) {
  if (!verify_error_.empty()) return verify_error_;
  if (!peer_alert_.empty()) return peer_alert_;
  std::string reason(fallback);
  const unsigned long code = ERR_peek_last_error();
  if (code != 0) {
    char text[256];
    ERR_error_string_n(code, text, sizeof(text));
    reason += ": ";
    reason += text;
  }
  if (!local_alert_.empty()) reason += " (sent alert " + local_alert_ + ")";
  return reason;
}

unsigned int DtlsTransport::timer_callback(SSL* ssl, unsigned int previous_us) {
  DtlsTransport* self = from(ssl);
  if (self == nullptr) return 1000000;
  const auto initial = static_cast<uint64_t>(microseconds(self->initial_retransmit_).count());
  const auto max =
      static_cast<uint64_t>(microseconds(self->context_.options().max_retransmit).count());
  // previous_us is 0 when a new flight starts the timer, else the expired duration: back off
  // exponentially (RFC 6347 §4.2.4.1).
  const uint64_t next = previous_us == 0 ? initial : std::min<uint64_t>(2 * previous_us, max);
  self->timer_armed_us_ = static_cast<unsigned int>(std::min<uint64_t>(next, 0xffffffffu));
  return self->timer_armed_us_;
}

int DtlsTransport::verify_certificate_callback(X509_STORE_CTX* store, void* /*arg*/) {
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  DtlsTransport* self = from(ssl);
  X509* leaf = X509_STORE_CTX_get0_cert(store);
  if (self == nullptr || leaf == nullptr || !self->remote_fingerprint_) {
    X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
  }
  // The certificate is self-signed and pinned by the SDP fingerprint (RFC 5763 §5, RFC 8122
  // §5): the fingerprint decides, not a chain to a CA.
  const Fingerprint& expected = *self->remote_fingerprint_;
  Result<Fingerprint> actual = Fingerprint::of(leaf, expected.algorithm());
  if (!actual || !(*actual == expected)) {
    self->verify_error_ = "fingerprint mismatch: expected " +
                          std::string(expected.algorithm_name()) + " " + expected.to_string() +
                          ", got " + (actual ? actual->to_string() : std::string("(none)"));
    // Maps to a bad_certificate alert (RFC 5246 §7.2.2).
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
  }
  self->peer_verified_ = true;
  return 1;
}

void DtlsTransport::info_callback(const SSL* ssl, int where, int value) {
  if ((where & SSL_CB_ALERT) == 0) return;
  DtlsTransport* self = from(ssl);
  if (self == nullptr || (value >> 8) != SSL3_AL_FATAL) return;
  std::string description = SSL_alert_desc_string_long(value);
  if ((where & SSL_CB_READ) != 0) {
    if (self->peer_alert_.empty()) self->peer_alert_ = "peer sent fatal alert: " + description;
  } else if (self->local_alert_.empty()) {
    self->local_alert_ = std::move(description);
  }
}

}  // namespace tandem::dtls
