// DtlsTransport: two transports handshaking in-process on a fake clock.
#include "dtls/dtls_transport.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "dtls_test_util.hpp"
#include "srtp/srtp_session.hpp"

namespace tandem::dtls::test {
namespace {

using std::chrono::milliseconds;

// A minimal RTP packet (RFC 3550 §5.1) with room for the SRTP trailer.
struct RtpPacket {
  std::array<uint8_t, 64> buffer{};
  size_t length = 0;
};

RtpPacket make_rtp(uint16_t sequence, uint32_t ssrc) {
  RtpPacket packet;
  const uint8_t header[12] = {0x80,
                              0x6f,
                              uint8_t(sequence >> 8),
                              uint8_t(sequence),
                              0,
                              0,
                              0x10,
                              0,
                              uint8_t(ssrc >> 24),
                              uint8_t(ssrc >> 16),
                              uint8_t(ssrc >> 8),
                              uint8_t(ssrc)};
  std::memcpy(packet.buffer.data(), header, sizeof(header));
  for (size_t i = 0; i < 20; ++i) packet.buffer[12 + i] = uint8_t(i * 7);
  packet.length = 32;
  return packet;
}

// Protects with `from`'s outbound session, unprotects with `to`'s inbound one.
void expect_media_flows(RecordingListener& from, RecordingListener& to, uint32_t ssrc) {
  ASSERT_TRUE(from.sessions && to.sessions);
  for (uint16_t seq = 1; seq <= 3; ++seq) {
    RtpPacket packet = make_rtp(seq, ssrc);
    const RtpPacket original = packet;
    ASSERT_EQ(from.sessions->outbound.protect_rtp(packet.buffer, packet.length),
              srtp::SrtpStatus::kOk);
    ASSERT_GT(packet.length, original.length);
    ASSERT_EQ(to.sessions->inbound.unprotect_rtp(packet.buffer, packet.length),
              srtp::SrtpStatus::kOk);
    ASSERT_EQ(packet.length, original.length);
    EXPECT_EQ(0, std::memcmp(packet.buffer.data(), original.buffer.data(), packet.length));
  }
}

void expect_connected(DtlsPair& pair) {
  ASSERT_EQ(pair.client->state(), State::kConnected)
      << pair.client_listener.failure.value_or("(no failure)");
  ASSERT_EQ(pair.server->state(), State::kConnected)
      << pair.server_listener.failure.value_or("(no failure)");
  ASSERT_TRUE(pair.client_listener.keys && pair.server_listener.keys);
}

class DtlsTransportTest : public ::testing::Test {
 protected:
  DtlsContext client_context_ = make_context(client_certificate());
  DtlsContext server_context_ = make_context(server_certificate());
};

TEST_F(DtlsTransportTest, HandshakeConnectsWithPreferredGcmProfile) {
  DtlsPair pair(client_context_, server_context_);
  pair.start();
  EXPECT_EQ(pair.client->state(), State::kConnecting);
  pair.run();
  expect_connected(pair);
  EXPECT_EQ(pair.client->srtp_profile(), srtp::Profile::kAeadAes128Gcm);
  EXPECT_EQ(pair.server->srtp_profile(), srtp::Profile::kAeadAes128Gcm);
  EXPECT_EQ(pair.client_listener.keys->profile(), srtp::Profile::kAeadAes128Gcm);
  EXPECT_EQ(pair.client->stats().retransmissions, 0u);
  EXPECT_EQ(pair.client->handshake_duration(), Duration(0));  // no fake time passed
  EXPECT_FALSE(pair.client->next_deadline());
  EXPECT_FALSE(pair.server->next_deadline());
}

TEST_F(DtlsTransportTest, SrtpSessionsAreComplementary) {
  DtlsPair pair(client_context_, server_context_);
  pair.start();
  pair.run();
  expect_connected(pair);
  expect_media_flows(pair.client_listener, pair.server_listener, 0x11223344);
  expect_media_flows(pair.server_listener, pair.client_listener, 0x55667788);
  // A side cannot read its own media: its outbound and inbound keys differ.
  RtpPacket packet = make_rtp(9, 1);
  ASSERT_EQ(pair.client_listener.sessions->outbound.protect_rtp(packet.buffer, packet.length),
            srtp::SrtpStatus::kOk);
  EXPECT_EQ(pair.client_listener.sessions->inbound.unprotect_rtp(packet.buffer, packet.length),
            srtp::SrtpStatus::kAuthFailure);
}

struct ProfileCase {
  const char* offer;
  srtp::Profile expected;
};

class DtlsProfileTest : public ::testing::TestWithParam<ProfileCase> {};

TEST_P(DtlsProfileTest, NegotiatesTheOnlyCommonProfile) {
  DtlsOptions only;
  only.srtp_profiles = GetParam().offer;
  DtlsContext client_context = make_context(client_certificate(), only);
  DtlsContext server_context = make_context(server_certificate());
  DtlsPair pair(client_context, server_context);
  pair.start();
  pair.run();
  expect_connected(pair);
  EXPECT_EQ(pair.client->srtp_profile(), GetParam().expected);
  EXPECT_EQ(pair.server->srtp_profile(), GetParam().expected);
  EXPECT_EQ(pair.client_listener.keys->exported().size(),
            SrtpKeyMaterial::exported_length(GetParam().expected));
  expect_media_flows(pair.client_listener, pair.server_listener, 7);
  expect_media_flows(pair.server_listener, pair.client_listener, 8);
}

INSTANTIATE_TEST_SUITE_P(
    Profiles, DtlsProfileTest,
    ::testing::Values(ProfileCase{"SRTP_AES128_CM_SHA1_80", srtp::Profile::kAes128CmHmacSha1_80},
                      ProfileCase{"SRTP_AES128_CM_SHA1_32", srtp::Profile::kAes128CmHmacSha1_32},
                      ProfileCase{"SRTP_AEAD_AES_256_GCM", srtp::Profile::kAeadAes256Gcm},
                      // The server's preference (GCM first) wins over the client's order.
                      ProfileCase{"SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM",
                                  srtp::Profile::kAeadAes128Gcm}));

TEST_F(DtlsTransportTest, KeyExportFollowsRfc5764Layout) {
  DtlsPair pair(client_context_, server_context_);
  pair.start();
  pair.run();
  expect_connected(pair);
  const SrtpKeyMaterial& keys = *pair.client_listener.keys;
  // Independent export: 2 * (16 + 12) bytes for AEAD_AES_128_GCM, straight from OpenSSL.
  std::array<uint8_t, 56> client_export{};
  std::array<uint8_t, 56> server_export{};
  ASSERT_TRUE(pair.client->export_keying_material("EXTRACTOR-dtls_srtp", client_export).ok());
  ASSERT_TRUE(pair.server->export_keying_material("EXTRACTOR-dtls_srtp", server_export).ok());
  EXPECT_EQ(client_export, server_export);
  // RFC 5764 §4.2: client key | server key | client salt | server salt.
  const auto slice = [&](size_t offset, size_t length) {
    return std::vector<uint8_t>(client_export.begin() + offset,
                                client_export.begin() + offset + length);
  };
  const auto bytes = [](std::span<const uint8_t> s) {
    return std::vector<uint8_t>(s.begin(), s.end());
  };
  EXPECT_EQ(bytes(keys.client_write_key()), slice(0, 16));
  EXPECT_EQ(bytes(keys.server_write_key()), slice(16, 16));
  EXPECT_EQ(bytes(keys.client_write_salt()), slice(32, 12));
  EXPECT_EQ(bytes(keys.server_write_salt()), slice(44, 12));
  EXPECT_EQ(bytes(pair.server_listener.keys->exported()), bytes(client_export));

  // Sessions built in the test from the raw slices interoperate with the transport's ones:
  // the client protects with the client write key.
  auto server_inbound = srtp::SrtpSession::create(srtp::Profile::kAeadAes128Gcm, slice(0, 16),
                                                  slice(32, 12), srtp::Direction::kInbound);
  ASSERT_TRUE(server_inbound.ok());
  RtpPacket packet = make_rtp(100, 0xabcdef01);
  ASSERT_EQ(pair.client_listener.sessions->outbound.protect_rtp(packet.buffer, packet.length),
            srtp::SrtpStatus::kOk);
  EXPECT_EQ(server_inbound->unprotect_rtp(packet.buffer, packet.length), srtp::SrtpStatus::kOk);

  // A different label gives different bytes (the exporter is label-bound, RFC 5705 §4).
  std::array<uint8_t, 56> other{};
  ASSERT_TRUE(pair.client->export_keying_material("EXPORTER-other", other).ok());
  EXPECT_NE(other, client_export);
}

TEST_F(DtlsTransportTest, ServerRejectsWrongClientFingerprint) {
  const std::string wrong = server_certificate().fingerprint_sha256();  // not the client's
  DtlsPair pair(client_context_, server_context_, "", "", "sha-256", wrong);
  pair.start();
  pair.run();
  EXPECT_EQ(pair.server->state(), State::kFailed);
  ASSERT_TRUE(pair.server_listener.failure);
  EXPECT_EQ(*pair.server_listener.failure, "fingerprint mismatch: expected sha-256 " + wrong +
                                               ", got " +
                                               client_certificate().fingerprint_sha256());
  // The server's bad_certificate alert reaches the client.
  EXPECT_EQ(pair.client->state(), State::kFailed);
  ASSERT_TRUE(pair.client_listener.failure);
  EXPECT_EQ(*pair.client_listener.failure, "peer sent fatal alert: bad certificate");
  EXPECT_FALSE(pair.client_listener.keys);
  EXPECT_FALSE(pair.server_listener.keys);
}

TEST_F(DtlsTransportTest, ClientRejectsWrongServerFingerprint) {
  const std::string wrong = client_certificate().fingerprint_sha256();
  DtlsPair pair(client_context_, server_context_, "sha-256", wrong);
  pair.start();
  pair.run();
  EXPECT_EQ(pair.client->state(), State::kFailed);
  ASSERT_TRUE(pair.client_listener.failure);
  EXPECT_NE(pair.client_listener.failure->find("fingerprint mismatch: expected sha-256 " + wrong),
            std::string::npos);
  EXPECT_EQ(pair.server->state(), State::kFailed);
  EXPECT_EQ(pair.server_listener.failure.value_or(""), "peer sent fatal alert: bad certificate");
}

TEST_F(DtlsTransportTest, AcceptsOtherFingerprintHashes) {
  for (auto algorithm : {Fingerprint::Algorithm::kSha1, Fingerprint::Algorithm::kSha384,
                         Fingerprint::Algorithm::kSha512}) {
    const std::string name(Fingerprint::algorithm_name(algorithm));
    DtlsPair pair(client_context_, server_context_, name,
                  server_certificate().fingerprint(algorithm)->to_string(), name,
                  client_certificate().fingerprint(algorithm)->to_string());
    pair.start();
    pair.run();
    expect_connected(pair);
  }
}

TEST_F(DtlsTransportTest, UnparsableFingerprintFailsAtStart) {
  DtlsPair pair(client_context_, server_context_, "md5", "00:11");
  pair.start();
  EXPECT_EQ(pair.client->state(), State::kFailed);
  EXPECT_NE(pair.client_listener.failure.value_or("").find("unsupported fingerprint hash"),
            std::string::npos);
  EXPECT_EQ(pair.client_listener.sent, 0u);
}

TEST_F(DtlsTransportTest, RetransmitsLostFlightsOnTheFakeClock) {
  DtlsPair pair(client_context_, server_context_);
  ShuttleOptions options;
  // Lose the first ClientHello and then the server's whole first flight.
  options.drop = [](Side, int batch, size_t, const Bytes&) { return batch == 0; };
  pair.start();
  const std::optional<TimePoint> first = pair.client->next_deadline();
  ASSERT_TRUE(first);
  EXPECT_EQ(*first - pair.clock.now(), milliseconds(1000));  // RFC 6347 initial timer
  pair.run(options);
  expect_connected(pair);
  EXPECT_GE(pair.client->stats().retransmissions, 1u);
  EXPECT_GE(pair.server->stats().retransmissions, 1u);
  EXPECT_GE(*pair.client->handshake_duration(), milliseconds(1000));
  expect_media_flows(pair.client_listener, pair.server_listener, 1);
}

TEST_F(DtlsTransportTest, LostFinalFlightIsRecoveredByTheClientTimer) {
  DtlsPair pair(client_context_, server_context_);
  ShuttleOptions options;
  // Server batches: 0 = ServerHello..Done, 1 = ChangeCipherSpec + Finished. Lose the latter.
  options.drop = [](Side from, int batch, size_t, const Bytes&) {
    return from == Side::kServer && batch == 1;
  };
  pair.start();
  pair.run(options);
  expect_connected(pair);
  EXPECT_EQ(pair.client->stats().retransmissions, 1u);
}

TEST_F(DtlsTransportTest, RetransmissionTimerBacksOffAndHandshakeTimesOut) {
  DtlsOptions options;
  options.handshake_timeout = milliseconds(10000);
  DtlsContext client_context = make_context(client_certificate(), options);
  DtlsPair pair(client_context, server_context_);
  pair.client->start(pair.clock.now());
  std::vector<Duration> gaps;
  TimePoint last = pair.clock.now();
  while (pair.client->state() == State::kConnecting) {
    const std::optional<TimePoint> next = pair.client->next_deadline();
    ASSERT_TRUE(next);
    pair.clock.advance_to(*next);
    pair.client->on_tick(pair.clock.now());
    gaps.push_back(std::chrono::duration_cast<Duration>(pair.clock.now() - last));
    last = pair.clock.now();
  }
  // 1 s, 2 s, 4 s, then the 10 s handshake limit cuts the 8 s wait short.
  ASSERT_EQ(gaps.size(), 4u);
  EXPECT_EQ(gaps[0], milliseconds(1000));
  EXPECT_EQ(gaps[1], milliseconds(2000));
  EXPECT_EQ(gaps[2], milliseconds(4000));
  EXPECT_EQ(gaps[3], milliseconds(3000));
  EXPECT_EQ(pair.client->stats().retransmissions, 3u);
  EXPECT_EQ(pair.client_listener.sent, 4u);  // ClientHello and 3 copies
  EXPECT_EQ(pair.client_listener.failure.value_or(""),
            "DTLS handshake timed out after 10.0 s (3 retransmissions)");
  EXPECT_FALSE(pair.client->next_deadline());
}

TEST_F(DtlsTransportTest, ShorterInitialRetransmitFromIceRtt) {
  DtlsPair pair(client_context_, server_context_);
  pair.client->set_initial_retransmit(milliseconds(100));
  pair.client->start(pair.clock.now());
  EXPECT_EQ(*pair.client->next_deadline() - pair.clock.now(), milliseconds(100));
}

TEST_F(DtlsTransportTest, SurvivesReordering) {
  DtlsOptions small;
  small.mtu = 400;  // several datagrams per flight, so that reversing them matters
  DtlsContext client_context = make_context(client_certificate(), small);
  DtlsContext server_context = make_context(server_certificate(), small);
  DtlsPair pair(client_context, server_context);
  ShuttleOptions options;
  options.reverse_batches = true;
  pair.start();
  pair.run(options);
  expect_connected(pair);
  expect_media_flows(pair.server_listener, pair.client_listener, 3);
}

TEST_F(DtlsTransportTest, SmallMtuFragmentsTheHandshake) {
  DtlsOptions small;
  small.mtu = 300;
  DtlsContext client_context = make_context(client_certificate(), small);
  DtlsContext server_context = make_context(server_certificate(), small);
  DtlsPair pair(client_context, server_context);
  size_t largest = 0;
  size_t server_first_flight = 0;
  ShuttleOptions options;
  options.drop = [&](Side from, int batch, size_t, const Bytes& datagram) {
    largest = std::max(largest, datagram.size());
    if (from == Side::kServer && batch == 0) ++server_first_flight;
    return false;
  };
  pair.start();
  pair.run(options);
  expect_connected(pair);
  EXPECT_LE(largest, 300u);
  // ServerHello, Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone > 300 B.
  EXPECT_GE(server_first_flight, 3u);
}

TEST_F(DtlsTransportTest, CertificateLoadedFromPem) {
  const DtlsCertificate& generated = server_certificate();
  Result<DtlsCertificate> loaded =
      DtlsCertificate::from_pem(*generated.certificate_pem(), *generated.private_key_pem());
  ASSERT_TRUE(loaded.ok()) << loaded.error().reason;
  EXPECT_EQ(loaded->fingerprint_sha256(), generated.fingerprint_sha256());
  DtlsContext server_context = make_context(*loaded);
  DtlsPair pair(client_context_, server_context);
  pair.start();
  pair.run();
  expect_connected(pair);
}

}  // namespace
}  // namespace tandem::dtls::test
