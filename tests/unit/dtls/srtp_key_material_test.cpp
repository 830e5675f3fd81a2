// SrtpKeyMaterial: RFC 5764 §4.2 split of the exporter output, for every profile.
#include "dtls/srtp_key_material.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace tandem::dtls {
namespace {

std::vector<uint8_t> counting(size_t n) {
  std::vector<uint8_t> bytes(n);
  std::iota(bytes.begin(), bytes.end(), uint8_t{0});
  return bytes;
}

std::vector<uint8_t> range(size_t from, size_t length) {
  std::vector<uint8_t> bytes(length);
  std::iota(bytes.begin(), bytes.end(), uint8_t(from));
  return bytes;
}

std::vector<uint8_t> bytes(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

struct LayoutCase {
  srtp::Profile profile;
  size_t key;
  size_t salt;
};

class SrtpKeyMaterialLayoutTest : public ::testing::TestWithParam<LayoutCase> {};

TEST_P(SrtpKeyMaterialLayoutTest, SplitsClientServerKeysThenSalts) {
  const auto [profile, key, salt] = GetParam();
  ASSERT_EQ(SrtpKeyMaterial::exported_length(profile), 2 * (key + salt));
  const std::vector<uint8_t> exported = counting(2 * (key + salt));
  Result<SrtpKeyMaterial> keys = SrtpKeyMaterial::from_exported(profile, exported);
  ASSERT_TRUE(keys.ok()) << keys.error().reason;
  EXPECT_EQ(bytes(keys->client_write_key()), range(0, key));
  EXPECT_EQ(bytes(keys->server_write_key()), range(key, key));
  EXPECT_EQ(bytes(keys->client_write_salt()), range(2 * key, salt));
  EXPECT_EQ(bytes(keys->server_write_salt()), range(2 * key + salt, salt));
  EXPECT_EQ(bytes(keys->write_key(Role::kServer)), range(key, key));
  EXPECT_EQ(bytes(keys->write_salt(Role::kClient)), range(2 * key, salt));
  EXPECT_EQ(bytes(keys->exported()), exported);

  Result<SrtpSessionPair> client = keys->make_sessions(Role::kClient);
  Result<SrtpSessionPair> server = keys->make_sessions(Role::kServer);
  ASSERT_TRUE(client.ok() && server.ok());
  EXPECT_EQ(client->outbound.direction(), srtp::Direction::kOutbound);
  EXPECT_EQ(client->inbound.direction(), srtp::Direction::kInbound);
  EXPECT_EQ(client->outbound.profile(), profile);

  // Client's outbound is the server's inbound.
  std::vector<uint8_t> packet = {0x80, 0x00, 0x00, 0x01, 0, 0, 0, 1, 0, 0, 0, 9, 1, 2, 3, 4};
  const std::vector<uint8_t> plain = packet;
  packet.resize(packet.size() + 32);
  size_t length = plain.size();
  ASSERT_EQ(client->outbound.protect_rtp(packet, length), srtp::SrtpStatus::kOk);
  ASSERT_EQ(server->inbound.unprotect_rtp(packet, length), srtp::SrtpStatus::kOk);
  EXPECT_EQ(std::vector<uint8_t>(packet.begin(), packet.begin() + long(length)), plain);
}

INSTANTIATE_TEST_SUITE_P(Profiles, SrtpKeyMaterialLayoutTest,
                         ::testing::Values(LayoutCase{srtp::Profile::kAes128CmHmacSha1_80, 16, 14},
                                           LayoutCase{srtp::Profile::kAes128CmHmacSha1_32, 16, 14},
                                           LayoutCase{srtp::Profile::kAeadAes128Gcm, 16, 12},
                                           LayoutCase{srtp::Profile::kAeadAes256Gcm, 32, 12}));

TEST(SrtpKeyMaterialTest, RejectsWrongLength) {
  const std::vector<uint8_t> exported = counting(59);
  Result<SrtpKeyMaterial> keys =
      SrtpKeyMaterial::from_exported(srtp::Profile::kAes128CmHmacSha1_80, exported);
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(keys.error().reason,
            "DTLS-SRTP keying material for SRTP_AES128_CM_SHA1_80 must be 60 bytes, got 59");
}

}  // namespace
}  // namespace tandem::dtls
