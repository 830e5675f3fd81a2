#include "sip/header_names.hpp"

#include <gtest/gtest.h>

namespace tandem::sip {
namespace {

TEST(HeaderNames, CompactFormsMapToTheirFields) {
  const std::pair<const char*, const char*> cases[] = {
      {"i", "Call-ID"},
      {"m", "Contact"},
      {"e", "Content-Encoding"},
      {"l", "Content-Length"},
      {"c", "Content-Type"},
      {"f", "From"},
      {"t", "To"},
      {"v", "Via"},
      {"s", "Subject"},
      {"k", "Supported"},
      {"o", "Event"},
      {"u", "Allow-Events"},
      {"r", "Refer-To"},
      {"x", "Session-Expires"},
      {"y", "Identity"},
      {"b", "Referred-By"},
  };
  for (const auto& [compact, name] : cases) {
    EXPECT_EQ(canonical_name(header_id(compact)), name) << compact;
    EXPECT_EQ(header_id(compact), header_id(name));
  }
  EXPECT_EQ(header_id("V"), HeaderId::kVia);
}

TEST(HeaderNames, LongNamesAreCaseInsensitive) {
  EXPECT_EQ(header_id("call-id"), HeaderId::kCallId);
  EXPECT_EQ(header_id("CALL-ID"), HeaderId::kCallId);
  EXPECT_EQ(header_id("www-authenticate"), HeaderId::kWwwAuthenticate);
  EXPECT_EQ(canonical_name(HeaderId::kCSeq), "CSeq");
  EXPECT_EQ(canonical_name(HeaderId::kMinSe), "Min-SE");
  EXPECT_EQ(header_id("X-Unknown"), HeaderId::kOther);
  EXPECT_EQ(header_id("z"), HeaderId::kOther);
  EXPECT_EQ(canonical_name(HeaderId::kOther), "");
}

TEST(HeaderNames, ListAndSingleFieldsAreClassified) {
  EXPECT_TRUE(is_list_header(HeaderId::kVia));
  EXPECT_TRUE(is_list_header(HeaderId::kRoute));
  EXPECT_FALSE(is_list_header(HeaderId::kAuthorization));  // commas separate digest params
  EXPECT_FALSE(is_list_header(HeaderId::kOther));
  EXPECT_TRUE(is_single_header(HeaderId::kCallId));
  EXPECT_FALSE(is_single_header(HeaderId::kVia));
}

}  // namespace
}  // namespace tandem::sip
