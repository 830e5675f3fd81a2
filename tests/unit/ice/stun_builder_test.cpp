// StunBuilder reproduces the RFC 5769 samples byte for byte, and its responses parse back.
#include "ice/stun_builder.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "ice/stun_view.hpp"
#include "rfc5769_vectors.hpp"

namespace tandem::ice {
namespace {

using Bytes = std::vector<uint8_t>;

HmacSha1 rfc_key() { return HmacSha1::create(test::kRfc5769Password).value(); }

template <size_t N>
Bytes bytes_of(const std::array<uint8_t, N>& a) {
  return Bytes(a.begin(), a.end());
}

TEST(Rfc5769Builder, SampleRequestByteForByte) {
  std::array<uint8_t, 256> out{};
  StunBuilder b(out, kBindingRequest, test::kRfc5769TransactionId);
  b.add_string(attr::kSoftware, "STUN test client")
      .add_u32(attr::kPriority, 0x6e0001ff)
      .add_u64(attr::kIceControlled, 0x932ff9b151263b36)
      .add_string(attr::kUsername, "evtj:h6vY", ' ')  // the RFC pads with spaces
      .add_message_integrity(rfc_key())
      .add_fingerprint();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(Bytes(b.message().begin(), b.message().end()), bytes_of(test::kRfc5769Request));
}

TEST(Rfc5769Builder, Ipv4ResponseByteForByte) {
  std::array<uint8_t, 256> out{};
  StunBuilder b(out, kBindingSuccess, test::kRfc5769TransactionId);
  b.add_string(attr::kSoftware, "test vector", ' ')
      .add_xor_mapped_address(*Endpoint::parse("192.0.2.1:32853"))
      .add_message_integrity(rfc_key())
      .add_fingerprint();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(Bytes(b.message().begin(), b.message().end()), bytes_of(test::kRfc5769Ipv4Response));
}

TEST(Rfc5769Builder, Ipv6ResponseByteForByte) {
  std::array<uint8_t, 256> out{};
  StunBuilder b(out, kBindingSuccess, test::kRfc5769TransactionId);
  b.add_string(attr::kSoftware, "test vector", ' ')
      .add_xor_mapped_address(*Endpoint::parse("[2001:db8:1234:5678:11:2233:4455:6677]:32853"))
      .add_message_integrity(rfc_key())
      .add_fingerprint();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(Bytes(b.message().begin(), b.message().end()), bytes_of(test::kRfc5769Ipv6Response));
}

TEST(BindingSuccess, RoundTripsIpv4AndIpv6) {
  const HmacSha1 key = HmacSha1::create("pass-word-of-22-chars!").value();
  for (const char* text : {"203.0.113.7:51000", "[2001:db8::42]:9", "0.0.0.0:0"}) {
    std::array<uint8_t, 128> out{};
    const Endpoint mapped = *Endpoint::parse(text);
    const size_t n = build_binding_success(out, test::kRfc5769TransactionId, mapped, key);
    ASSERT_GT(n, 0u) << text;
    EXPECT_EQ(n, mapped.is_ipv4() ? 20u + 12 + 24 + 8 : 20u + 24 + 24 + 8);
    const auto view = StunView::parse(std::span<const uint8_t>(out).first(n));
    ASSERT_TRUE(view) << text;
    EXPECT_EQ(view->type(), kBindingSuccess);
    EXPECT_EQ(view->xor_mapped_address(), mapped);
    EXPECT_TRUE(view->verify_integrity(key));
    EXPECT_TRUE(view->has_fingerprint());
    EXPECT_TRUE(std::equal(view->transaction_id().begin(), view->transaction_id().end(),
                           test::kRfc5769TransactionId.begin()));
  }
}

TEST(BindingError, CodesAndIntegrity) {
  const HmacSha1 key = rfc_key();
  struct Case {
    uint16_t code;
    bool with_key;
    const char* reason;
  };
  for (const Case c : {Case{400, false, "Bad Request"}, Case{401, false, "Unauthorized"},
                       Case{487, true, "Role Conflict"}, Case{420, true, "Unknown Attribute"}}) {
    std::array<uint8_t, 128> out{};
    const uint16_t unknown[] = {0x0003, 0x7777, 0x0042};
    const size_t n = build_binding_error(out, test::kRfc5769TransactionId, c.code,
                                         c.with_key ? &key : nullptr, unknown);
    ASSERT_GT(n, 0u) << c.code;
    const auto view = StunView::parse(std::span<const uint8_t>(out).first(n));
    ASSERT_TRUE(view) << c.code;
    EXPECT_EQ(view->type(), kBindingError);
    ASSERT_TRUE(view->error_code());
    EXPECT_EQ(view->error_code()->code, c.code);
    EXPECT_EQ(view->error_code()->reason, c.reason);
    EXPECT_EQ(view->has_message_integrity(), c.with_key);
    EXPECT_EQ(view->verify_integrity(key), c.with_key);
    EXPECT_TRUE(view->has_fingerprint());
    const auto unknown_attr = view->find(attr::kUnknownAttributes);
    EXPECT_EQ(unknown_attr.has_value(), c.code == 420);
    if (unknown_attr) {
      EXPECT_EQ(Bytes(unknown_attr->begin(), unknown_attr->end()),
                (Bytes{0x00, 0x03, 0x77, 0x77, 0x00, 0x42}));
    }
  }
}

TEST(StunBuilder, TooSmallBufferIsNotOk) {
  const HmacSha1 key = rfc_key();
  const Endpoint mapped = *Endpoint::parse("192.0.2.1:32853");
  for (size_t size = 0; size < 64; ++size) {
    std::vector<uint8_t> out(size);
    EXPECT_EQ(build_binding_success(out, test::kRfc5769TransactionId, mapped, key), 0u) << size;
  }
  std::vector<uint8_t> exact(64);
  EXPECT_EQ(build_binding_success(exact, test::kRfc5769TransactionId, mapped, key), 64u);
}

TEST(StunBuilder, RejectsBadErrorCodeAndHugeAttribute) {
  std::array<uint8_t, 128> out{};
  StunBuilder b(out, kBindingError, test::kRfc5769TransactionId);
  b.add_error_code(700, "x");
  EXPECT_FALSE(b.ok());
  EXPECT_EQ(b.size(), 0u);
  std::vector<uint8_t> big(70000);
  StunBuilder h(big, kBindingRequest, test::kRfc5769TransactionId);
  h.add_attribute(attr::kSoftware, std::span<const uint8_t>(big).first(65532));
  EXPECT_FALSE(h.ok());
}

TEST(StunBuilder, ZeroPaddingByDefault) {
  std::array<uint8_t, 64> out{};
  out.fill(0xEE);
  StunBuilder b(out, kBindingRequest, test::kRfc5769TransactionId);
  b.add_string(attr::kUsername, "a:b");
  ASSERT_EQ(b.size(), 28u);
  EXPECT_EQ(out[27], 0);
  EXPECT_EQ(out[3], 8);  // header length follows each attribute
}

}  // namespace
}  // namespace tandem::ice
