#include "common/text.hpp"

#include <gtest/gtest.h>

#include "common/result.hpp"

namespace tandem {
namespace {

TEST(Text, IEqualsIgnoresAsciiCaseOnly) {
  EXPECT_TRUE(iequals("Call-ID", "call-id"));
  EXPECT_FALSE(iequals("Call-ID", "Call-IDs"));
  EXPECT_FALSE(iequals("a", "b"));
}

TEST(Text, TrimRemovesSpacesTabsAndLineEnds) {
  EXPECT_EQ(trim(" \t value \r\n"), "value");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("   "), "");
}

TEST(Text, ParseUintAcceptsLeadingZerosAndRejectsOverflow) {
  EXPECT_EQ(parse_uint("000070"), 70u);
  EXPECT_EQ(parse_uint("18446744073709551615"), UINT64_MAX);
  EXPECT_FALSE(parse_uint("18446744073709551616"));
  EXPECT_FALSE(parse_uint("4294967296", UINT32_MAX));
  EXPECT_FALSE(parse_uint(""));
  EXPECT_FALSE(parse_uint("-1"));
  EXPECT_FALSE(parse_uint("12a"));
}

TEST(Result, CarriesValueOrErrorWithPosition) {
  Result<int> good = 5;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 5);
  Result<int> bad = Error{"bad thing", 3, 7};
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().describe(), "line 3, column 7: bad thing");
  EXPECT_EQ(Error{"no position"}.describe(), "no position");
}

}  // namespace
}  // namespace tandem
