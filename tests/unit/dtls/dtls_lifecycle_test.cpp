// DtlsTransport beyond the plain handshake: fragmented ClientHello, early ClientHello,
// close_notify, application data, classification, handshake timing.
#include <gtest/gtest.h>

#include <cstdio>

#include "dtls/dtls_transport.hpp"
#include "dtls_test_util.hpp"

namespace tandem::dtls::test {
namespace {

// Re-frames one DTLS record holding a whole handshake message into two records carrying one
// fragment each (RFC 6347 §4.2.3), the way Firefox sends its large post-quantum ClientHello.
std::pair<Bytes, Bytes> split_handshake_record(const Bytes& datagram) {
  constexpr size_t kRecordHeader = 13;     // type, version, epoch, sequence(6), length
  constexpr size_t kHandshakeHeader = 12;  // type, length(3), seq(2), frag off(3), frag len(3)
  EXPECT_EQ(datagram[0], 22);              // handshake
  const size_t record_length = size_t(datagram[11]) << 8 | datagram[12];
  EXPECT_EQ(datagram.size(), kRecordHeader + record_length) << "one record per datagram";
  const uint8_t* message = datagram.data() + kRecordHeader;
  const size_t body_length = size_t(message[1]) << 16 | size_t(message[2]) << 8 | message[3];
  const size_t half = body_length / 2;

  auto make = [&](size_t offset, size_t length, uint8_t sequence_bump) {
    Bytes record(datagram.begin(), datagram.begin() + kRecordHeader);
    record[10] = uint8_t(record[10] + sequence_bump);  // record sequence number, low byte
    const size_t fragment_record = kHandshakeHeader + length;
    record[11] = uint8_t(fragment_record >> 8);
    record[12] = uint8_t(fragment_record);
    record.insert(record.end(), message, message + 6);  // type, length, message_seq
    for (size_t value : {offset, length}) {
      record.push_back(uint8_t(value >> 16));
      record.push_back(uint8_t(value >> 8));
      record.push_back(uint8_t(value));
    }
    const uint8_t* body = message + kHandshakeHeader;
    record.insert(record.end(), body + offset, body + offset + length);
    return record;
  };
  return {make(0, half, 0), make(half, body_length - half, 1)};
}

class DtlsLifecycleTest : public ::testing::Test {
 protected:
  DtlsContext client_context_ = make_context(client_certificate());
  DtlsContext server_context_ = make_context(server_certificate());
};

TEST_F(DtlsLifecycleTest, ServerReassemblesFragmentedClientHello) {
  for (bool second_first : {false, true}) {
    DtlsPair pair(client_context_, server_context_);
    pair.start();
    ASSERT_EQ(pair.client_listener.outbox.size(), 1u);
    const Bytes hello = pair.client_listener.outbox.front();
    pair.client_listener.outbox.clear();
    auto [first, second] = split_handshake_record(hello);
    if (second_first) std::swap(first, second);
    pair.server->on_datagram(first, pair.clock.now());
    EXPECT_TRUE(pair.server_listener.outbox.empty()) << "half a ClientHello must not be answered";
    pair.server->on_datagram(second, pair.clock.now());
    EXPECT_FALSE(pair.server_listener.outbox.empty());
    pair.run();
    ASSERT_EQ(pair.client->state(), State::kConnected);
    ASSERT_EQ(pair.server->state(), State::kConnected);
  }
}

TEST_F(DtlsLifecycleTest, ClientHelloBeforeStartStartsTheServer) {
  DtlsPair pair(client_context_, server_context_);
  pair.client->start(pair.clock.now());  // the server's start() is never called
  pair.run();
  EXPECT_EQ(pair.server->state(), State::kConnected);
  EXPECT_EQ(pair.client->state(), State::kConnected);
}

TEST_F(DtlsLifecycleTest, ClientIgnoresDatagramsBeforeStart) {
  DtlsPair pair(client_context_, server_context_);
  const Bytes junk_dtls(40, 22);
  pair.client->on_datagram(junk_dtls, pair.clock.now());
  EXPECT_EQ(pair.client->state(), State::kNew);
  EXPECT_EQ(pair.client->stats().datagrams_dropped, 1u);
}

TEST_F(DtlsLifecycleTest, DropsNonDtlsAndGarbage) {
  DtlsPair pair(client_context_, server_context_);
  pair.start();
  const Bytes stun = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8};
  const Bytes rtp(40, 0x80);
  pair.server->on_datagram(stun, pair.clock.now());
  pair.server->on_datagram(rtp, pair.clock.now());
  EXPECT_EQ(pair.server->stats().datagrams_dropped, 2u);
  // Malformed DTLS is discarded without breaking the association (RFC 6347 §4.1.2.7).
  Bytes bogus(60, 0);
  bogus[0] = 22;
  bogus[1] = 0xfe;
  bogus[2] = 0xfd;
  pair.server->on_datagram(bogus, pair.clock.now());
  EXPECT_EQ(pair.server->state(), State::kConnecting);
  pair.run();
  EXPECT_EQ(pair.server->state(), State::kConnected);
  EXPECT_EQ(pair.client->state(), State::kConnected);
}

TEST_F(DtlsLifecycleTest, CloseNotifyReachesThePeer) {
  DtlsPair pair(client_context_, server_context_);
  pair.start();
  pair.run();
  ASSERT_EQ(pair.client->state(), State::kConnected);
  pair.client->close();
  EXPECT_EQ(pair.client->state(), State::kClosed);
  ASSERT_EQ(pair.client_listener.outbox.size(), 1u);
  EXPECT_EQ(pair.client_listener.outbox.front()[0], 21);  // alert record
  pair.deliver_once();
  EXPECT_EQ(pair.server->state(), State::kClosed);
  EXPECT_TRUE(pair.server_listener.closed);
  EXPECT_FALSE(pair.client_listener.closed);  // our own close() is not reported
  EXPECT_FALSE(pair.server_listener.failure);
  // Nothing is processed afterwards.
  EXPECT_FALSE(pair.client->send_application_data(Bytes{1, 2, 3}).ok());
  pair.deliver_once();  // the server's answering close_notify
  EXPECT_EQ(pair.client->stats().datagrams_dropped, 1u);
}

TEST_F(DtlsLifecycleTest, CloseDuringHandshakeStopsTimers) {
  DtlsPair pair(client_context_, server_context_);
  pair.start();
  ASSERT_TRUE(pair.client->next_deadline());
  pair.client->close();
  EXPECT_EQ(pair.client->state(), State::kClosed);
  EXPECT_FALSE(pair.client->next_deadline());
}

TEST_F(DtlsLifecycleTest, ApplicationDataBothWays) {
  DtlsPair pair(client_context_, server_context_);
  pair.start();
  pair.run();
  ASSERT_EQ(pair.client->state(), State::kConnected);
  const Bytes ping = {'p', 'i', 'n', 'g'};
  const Bytes pong(1000, 0x5a);
  ASSERT_TRUE(pair.client->send_application_data(ping).ok());
  ASSERT_TRUE(pair.server->send_application_data(pong).ok());
  pair.deliver_once();
  ASSERT_EQ(pair.server_listener.received.size(), 1u);
  EXPECT_EQ(pair.server_listener.received[0], ping);
  ASSERT_EQ(pair.client_listener.received.size(), 1u);
  EXPECT_EQ(pair.client_listener.received[0], pong);
  EXPECT_FALSE(pair.client->send_application_data(Bytes(16385, 0)).ok());
}

TEST_F(DtlsLifecycleTest, ApplicationDataBeforeConnectedIsRefused) {
  DtlsPair pair(client_context_, server_context_);
  pair.start();
  Status status = pair.client->send_application_data(Bytes{1});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().reason, "DTLS transport is connecting, not connected");
}

TEST(DtlsClassifierTest, Rfc7983FirstByteRanges) {
  Bytes datagram(13, 0);
  for (int first = 0; first < 256; ++first) {
    datagram[0] = uint8_t(first);
    EXPECT_EQ(looks_like_dtls(datagram), first >= 20 && first <= 63) << first;
  }
  EXPECT_FALSE(looks_like_dtls(Bytes{22, 0xfe, 0xfd}));  // shorter than a record header
}

TEST(DtlsTypesTest, RoleFromSetup) {
  EXPECT_EQ(role_from_local_setup("active"), Role::kClient);
  EXPECT_EQ(role_from_local_setup("passive"), Role::kServer);
  EXPECT_EQ(role_from_local_setup("actpass"), std::nullopt);
  EXPECT_EQ(to_string(State::kConnected), "connected");
}

// Not a benchmark (no optimisation in Debug/ASan builds), but keeps a record of the CPU one
// handshake costs each side; Release numbers are in the report.
TEST_F(DtlsLifecycleTest, HandshakeCpuTime) {
  constexpr int kRounds = 20;
  std::chrono::nanoseconds client_total{0};
  std::chrono::nanoseconds server_total{0};
  for (int i = 0; i < kRounds; ++i) {
    DtlsPair pair(client_context_, server_context_);
    pair.start();
    pair.run();
    ASSERT_EQ(pair.server->state(), State::kConnected);
    client_total += pair.client_cpu;
    server_total += pair.server_cpu;
  }
  const double client_ms =
      std::chrono::duration<double, std::milli>(client_total).count() / kRounds;
  const double server_ms =
      std::chrono::duration<double, std::milli>(server_total).count() / kRounds;
  std::printf("[ timing   ] DTLS handshake CPU per side: client %.3f ms, server %.3f ms\n",
              client_ms, server_ms);
  RecordProperty("client_ms", std::to_string(client_ms));
  RecordProperty("server_ms", std::to_string(server_ms));
}

}  // namespace
}  // namespace tandem::dtls::test
