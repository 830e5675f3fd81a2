#include "gateway/turn_credentials.hpp"

#include <gtest/gtest.h>

namespace tandem::gateway {
namespace {

// Expected password computed independently with Python's hmac module:
//   base64.b64encode(hmac.new(b'coturn-secret', b'1700003600:1001', hashlib.sha1).digest())
TEST(TurnCredentials, TurnRestApiScheme) {
  const auto c =
      make_turn_credential("coturn-secret", "1001", WallTime(std::chrono::seconds(1'700'003'600)));
  ASSERT_TRUE(c) << c.error().reason;
  EXPECT_EQ(c->username, "1700003600:1001");
  EXPECT_EQ(c->credential, "qd34gg4ZJynwq7lpegqOI2uMtws=");
}

TEST(TurnCredentials, EmptySecretIsAnError) {
  EXPECT_FALSE(make_turn_credential("", "1001", WallTime{}));
}

}  // namespace
}  // namespace tandem::gateway
