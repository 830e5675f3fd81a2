#include "media/ice_credentials.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace tandem::media {
namespace {

bool is_ice_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

TEST(IceCredentials, UfragNamesItsWorker) {
  for (uint32_t worker = 0; worker < kMaxMediaWorkers; ++worker) {
    const auto ufrag = make_local_ufrag(worker);
    ASSERT_TRUE(ufrag.ok());
    EXPECT_EQ(ufrag->size(), kLocalUfragLength);
    for (char c : *ufrag) EXPECT_TRUE(is_ice_char(c)) << *ufrag;
    EXPECT_EQ(worker_of_ufrag(*ufrag), worker) << *ufrag;
  }
  EXPECT_FALSE(make_local_ufrag(kMaxMediaWorkers).ok());
}

TEST(IceCredentials, RandomAndWellFormed) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(make_local_ufrag(3).value());
  EXPECT_GT(seen.size(), 195u);  // 42 random bits: collisions are not expected
  const auto pwd = make_local_pwd();
  ASSERT_TRUE(pwd.ok());
  EXPECT_EQ(pwd->size(), kLocalPwdLength);  // RFC 8839: at least 22 ice-chars
  for (char c : *pwd) EXPECT_TRUE(is_ice_char(c));
}

TEST(IceCredentials, ForeignUfragsNameNoWorker) {
  EXPECT_FALSE(worker_of_ufrag(""));
  EXPECT_FALSE(worker_of_ufrag("abc"));        // too short to be ours
  EXPECT_FALSE(worker_of_ufrag("abcdefghi"));  // too long
  EXPECT_FALSE(worker_of_ufrag("-bcdefgh"));   // not an ice-char
  EXPECT_EQ(worker_of_ufrag("Bxxxxxxx"), 1u);
}

}  // namespace
}  // namespace tandem::media
