#include "gateway/base64.hpp"

#include <gtest/gtest.h>

namespace tandem::gateway {
namespace {

std::vector<uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

// RFC 4648 §10 test vectors.
TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> cases[] = {{"", ""},
                                                       {"f", "Zg=="},
                                                       {"fo", "Zm8="},
                                                       {"foo", "Zm9v"},
                                                       {"foob", "Zm9vYg=="},
                                                       {"fooba", "Zm9vYmE="},
                                                       {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : cases) {
    EXPECT_EQ(base64_encode(bytes(plain)), encoded);
    std::string url = encoded;
    while (!url.empty() && url.back() == '=') url.pop_back();
    EXPECT_EQ(base64url_encode(std::string_view(plain)), url);
    EXPECT_EQ(base64url_decode(url), bytes(plain)) << url;
  }
}

TEST(Base64, UrlAlphabet) {
  const std::vector<uint8_t> data = {0xfb, 0xff, 0xfe};
  EXPECT_EQ(base64_encode(data), "+//+");
  EXPECT_EQ(base64url_encode(data), "-__-");
  EXPECT_EQ(base64url_decode("-__-"), data);
}

TEST(Base64, StrictDecoding) {
  for (const char* bad :
       {"Zg==", "Zm8=", "+//+", "Z", "Zm9vY", "Zh", "Zm9", "a b", "Zm9v\n", "Zm\x80v"}) {
    EXPECT_FALSE(base64url_decode(bad).has_value()) << bad;
  }
  EXPECT_TRUE(base64url_decode("").has_value());
}

}  // namespace
}  // namespace tandem::gateway
