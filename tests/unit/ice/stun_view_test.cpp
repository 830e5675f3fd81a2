// StunView: RFC 5769 samples parsed and verified; table-driven malformed inputs rejected.
#include "ice/stun_view.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/byte_io.hpp"
#include "ice/crc32.hpp"
#include "rfc5769_vectors.hpp"

namespace tandem::ice {
namespace {

using Bytes = std::vector<uint8_t>;

template <size_t N>
Bytes bytes_of(const std::array<uint8_t, N>& a) {
  return Bytes(a.begin(), a.end());
}

HmacSha1 rfc_key() { return HmacSha1::create(test::kRfc5769Password).value(); }

TEST(Crc32, CheckValue) {
  // The CRC-32/ISO-HDLC check value: CRC of "123456789".
  const std::string s = "123456789";
  EXPECT_EQ(crc32(0, {reinterpret_cast<const uint8_t*>(s.data()), s.size()}), 0xCBF43926u);
  static_assert(crc32(0, std::span<const uint8_t>{}) == 0);
}

TEST(Classify, FirstByteRfc7983) {
  for (int b = 0; b < 256; ++b) {
    EXPECT_EQ(is_stun(static_cast<uint8_t>(b)), b <= 3) << b;
  }
  EXPECT_FALSE(is_stun(std::span<const uint8_t>{}));
  EXPECT_TRUE(is_stun(std::span<const uint8_t>(test::kRfc5769Request)));
}

TEST(MessageType, MethodAndClassInterleave) {
  EXPECT_EQ(stun_method(0x0111), kMethodBinding);
  EXPECT_EQ(stun_class(0x0111), StunClass::kErrorResponse);
  EXPECT_EQ(stun_class(0x0011), StunClass::kIndication);
  EXPECT_EQ(stun_type(0x0003, StunClass::kRequest), 0x0003);          // TURN Allocate
  EXPECT_EQ(stun_type(0x0003, StunClass::kSuccessResponse), 0x0103);  // Allocate success
  EXPECT_EQ(stun_method(stun_type(0xFFF, StunClass::kErrorResponse)), 0xFFF);
}

TEST(Rfc5769, SampleRequest) {
  StunError error = StunError::kTooShort;
  const auto view = StunView::parse(test::kRfc5769Request, &error);
  ASSERT_TRUE(view) << to_string(error);
  EXPECT_EQ(error, StunError::kNone);
  EXPECT_TRUE(view->is_binding_request());
  EXPECT_EQ(view->message_class(), StunClass::kRequest);
  EXPECT_TRUE(std::equal(view->transaction_id().begin(), view->transaction_id().end(),
                         test::kRfc5769TransactionId.begin()));
  EXPECT_EQ(view->username(), "evtj:h6vY");
  EXPECT_EQ(local_ufrag_of(*view), "evtj");
  EXPECT_EQ(view->priority(), 0x6e0001ffu);
  EXPECT_EQ(view->ice_controlled(), 0x932ff9b151263b36u);
  EXPECT_FALSE(view->ice_controlling());
  EXPECT_FALSE(view->use_candidate());
  EXPECT_TRUE(view->has_fingerprint());
  ASSERT_TRUE(view->has_message_integrity());
  EXPECT_TRUE(view->verify_integrity(rfc_key()));
  EXPECT_FALSE(view->verify_integrity(HmacSha1::create("VOkJxbRl1RmTxUk/WvJxBT").value()));
  const auto software = view->find(attr::kSoftware);
  ASSERT_TRUE(software);
  EXPECT_EQ(std::string(software->begin(), software->end()), "STUN test client");
  EXPECT_EQ(view->unknown_required_count(), 0u);
}

TEST(Rfc5769, Ipv4Response) {
  const auto view = StunView::parse(test::kRfc5769Ipv4Response);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->type(), kBindingSuccess);
  EXPECT_EQ(view->message_class(), StunClass::kSuccessResponse);
  const auto mapped = view->xor_mapped_address();
  ASSERT_TRUE(mapped);
  EXPECT_EQ(mapped->to_string(), "192.0.2.1:32853");
  EXPECT_EQ(*mapped, *Endpoint::parse("192.0.2.1:32853"));
  EXPECT_TRUE(view->verify_integrity(rfc_key()));
  const auto software = view->find(attr::kSoftware);
  ASSERT_TRUE(software);
  EXPECT_EQ(std::string(software->begin(), software->end()), "test vector");
}

TEST(Rfc5769, Ipv6Response) {
  const auto view = StunView::parse(test::kRfc5769Ipv6Response);
  ASSERT_TRUE(view);
  const auto mapped = view->xor_mapped_address();
  ASSERT_TRUE(mapped);
  EXPECT_FALSE(mapped->is_ipv4());
  EXPECT_EQ(*mapped, *Endpoint::parse("[2001:db8:1234:5678:11:2233:4455:6677]:32853"));
  EXPECT_EQ(mapped->to_string(), "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
  EXPECT_TRUE(view->verify_integrity(rfc_key()));
}

TEST(StunView, IteratesEveryAttributeInOrder) {
  const auto view = StunView::parse(test::kRfc5769Request);
  ASSERT_TRUE(view);
  std::vector<uint16_t> types;
  std::vector<size_t> sizes;
  for (const StunAttribute a : view->attributes()) {
    types.push_back(a.type);
    sizes.push_back(a.value.size());
  }
  EXPECT_EQ(types,
            (std::vector<uint16_t>{attr::kSoftware, attr::kPriority, attr::kIceControlled,
                                   attr::kUsername, attr::kMessageIntegrity, attr::kFingerprint}));
  EXPECT_EQ(sizes, (std::vector<size_t>{16, 4, 8, 9, 20, 4}));
}

// Appends an attribute and fixes the header length (no fingerprint).
void append_attribute(Bytes& m, uint16_t type, const Bytes& value) {
  const size_t at = m.size();
  m.resize(at + 4 + ((value.size() + 3) & ~size_t{3}), 0);
  store_be16(m.data() + at, type);
  store_be16(m.data() + at + 2, static_cast<uint16_t>(value.size()));
  std::copy(value.begin(), value.end(), m.begin() + static_cast<long>(at) + 4);
  store_be16(m.data() + 2, static_cast<uint16_t>(m.size() - 20));
}

Bytes header_only(uint16_t type = kBindingRequest) {
  Bytes m(20, 0);
  store_be16(m.data(), type);
  store_be32(m.data() + 4, kMagicCookie);
  for (size_t i = 8; i < 20; ++i) m[i] = static_cast<uint8_t>(i);
  return m;
}

TEST(StunView, IgnoresAttributesAfterIntegrityExceptFingerprint) {
  Bytes m = header_only();
  append_attribute(m, attr::kMessageIntegrity, Bytes(20, 0xAA));
  append_attribute(m, attr::kUsername, {'a', ':', 'b'});
  append_attribute(m, attr::kPriority, {0, 0, 0, 1});
  const auto view = StunView::parse(m);
  ASSERT_TRUE(view);
  EXPECT_FALSE(view->username());
  EXPECT_FALSE(view->priority());
  EXPECT_FALSE(view->find(attr::kUsername));
  EXPECT_EQ(std::distance(view->attributes().begin(), view->attributes().end()), 3);
}

TEST(StunView, RecordsUnknownComprehensionRequired) {
  Bytes m = header_only();
  append_attribute(m, attr::kChangeRequest, {0, 0, 0, 0});
  append_attribute(m, 0x7FFF, {});
  append_attribute(m, 0xC001, {1, 2, 3});  // comprehension-optional: ignored
  const auto view = StunView::parse(m);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->unknown_required_count(), 2u);
  EXPECT_EQ(std::vector<uint16_t>(view->unknown_required().begin(), view->unknown_required().end()),
            (std::vector<uint16_t>{attr::kChangeRequest, 0x7FFF}));
}

TEST(StunView, FirstOccurrenceWins) {
  Bytes m = header_only();
  append_attribute(m, attr::kUsername, {'a', ':', 'b'});
  append_attribute(m, attr::kUsername, {'c', ':', 'd'});
  const auto view = StunView::parse(m);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->username(), "a:b");
}

TEST(StunView, ErrorCodeAndMappedAddress) {
  Bytes m = header_only(kBindingError);
  append_attribute(m, attr::kErrorCode, {0, 0, 4, 87, 'R', 'o', 'l', 'e'});
  append_attribute(m, attr::kMappedAddress, {0, 1, 0x0d, 0x96, 10, 0, 0, 1});
  const auto view = StunView::parse(m);
  ASSERT_TRUE(view);
  ASSERT_TRUE(view->error_code());
  EXPECT_EQ(view->error_code()->code, 487);
  EXPECT_EQ(view->error_code()->reason, "Role");
  EXPECT_EQ(view->mapped_address()->to_string(), "10.0.0.1:3478");
  EXPECT_FALSE(view->verify_integrity(rfc_key()));  // absent
}

TEST(LocalUfrag, SplitsAtFirstColon) {
  auto with_username = [](const std::string& u) {
    Bytes m = header_only();
    append_attribute(m, attr::kUsername, Bytes(u.begin(), u.end()));
    return m;
  };
  const Bytes a = with_username("abcd:efgh");
  EXPECT_EQ(local_ufrag_of(*StunView::parse(a)), "abcd");
  const Bytes b = with_username(":x");
  EXPECT_EQ(local_ufrag_of(*StunView::parse(b)), "");
  const Bytes c = with_username("nocolon");
  EXPECT_FALSE(local_ufrag_of(*StunView::parse(c)));
  const Bytes d = header_only();
  EXPECT_FALSE(local_ufrag_of(*StunView::parse(d)));
}

struct Malformed {
  const char* name;
  Bytes bytes;
  StunError expected;
};

std::vector<Malformed> malformed_cases() {
  const Bytes request = bytes_of(test::kRfc5769Request);
  std::vector<Malformed> cases;
  cases.push_back({"empty", {}, StunError::kTooShort});
  cases.push_back({"19 bytes", Bytes(request.begin(), request.begin() + 19), StunError::kTooShort});
  for (size_t cut : {20u, 21u, 60u, 100u, 107u}) {
    cases.push_back(
        {"truncated", Bytes(request.begin(), request.begin() + cut), StunError::kBadLength});
  }
  Bytes b = request;
  b[0] |= 0x80;
  cases.push_back({"top bit set (RTP-like)", b, StunError::kNotStun});
  b = request;
  b[0] |= 0x40;
  cases.push_back({"second bit set", b, StunError::kNotStun});
  b = request;
  b[7] ^= 0x01;
  cases.push_back({"bad cookie", b, StunError::kBadCookie});
  b = request;
  b[3] = 0x59;
  cases.push_back({"length not multiple of 4", b, StunError::kBadLength});
  b = request;
  b[3] = 0x5c;
  cases.push_back({"length beyond datagram", b, StunError::kBadLength});
  b = request;
  b.push_back(0);
  b.push_back(0);
  b.push_back(0);
  b.push_back(0);
  cases.push_back({"trailing bytes", b, StunError::kBadLength});
  b = request;
  b[22] = 0x00;
  b[23] = 0x60;  // SOFTWARE claims 96 bytes
  cases.push_back({"attribute overruns", b, StunError::kAttributeOverrun});
  b = request;
  b[23] = 0x11;  // SOFTWARE 17 bytes: padding to 20 pushes everything out of step
  cases.push_back({"attribute padding misaligned", b, StunError::kAttributeOverrun});
  Bytes h = header_only();
  h.resize(24, 0);
  store_be16(h.data() + 2, 4);
  store_be16(h.data() + 20, attr::kSoftware);
  store_be16(h.data() + 22, 1);  // needs 4 bytes of value+padding, none present
  cases.push_back({"value missing", h, StunError::kAttributeOverrun});
  b = request;
  b[107] ^= 0x01;
  cases.push_back({"bad fingerprint", b, StunError::kBadFingerprint});
  b = request;
  b[30] ^= 0x01;  // SOFTWARE content changed: FINGERPRINT no longer matches
  cases.push_back({"content changed under fingerprint", b, StunError::kBadFingerprint});
  Bytes after_fp = request;
  append_attribute(after_fp, attr::kSoftware, {'x'});
  cases.push_back({"attribute after fingerprint", after_fp, StunError::kFingerprintNotLast});
  Bytes short_priority = header_only();
  append_attribute(short_priority, attr::kPriority, {1, 2});
  cases.push_back({"PRIORITY of 2 bytes", short_priority, StunError::kBadAttribute});
  Bytes long_mi = header_only();
  append_attribute(long_mi, attr::kMessageIntegrity, Bytes(21, 0));
  cases.push_back({"MESSAGE-INTEGRITY of 21 bytes", long_mi, StunError::kBadAttribute});
  Bytes use_candidate = header_only();
  append_attribute(use_candidate, attr::kUseCandidate, {1});
  cases.push_back({"USE-CANDIDATE with a value", use_candidate, StunError::kBadAttribute});
  Bytes controlling = header_only();
  append_attribute(controlling, attr::kIceControlling, Bytes(4, 0));
  cases.push_back({"ICE-CONTROLLING of 4 bytes", controlling, StunError::kBadAttribute});
  Bytes xma = header_only();
  append_attribute(xma, attr::kXorMappedAddress, {0, 2, 0, 0, 1, 2, 3, 4});
  cases.push_back({"XOR-MAPPED-ADDRESS IPv6 family, IPv4 size", xma, StunError::kBadAttribute});
  Bytes xma3 = header_only();
  append_attribute(xma3, attr::kXorMappedAddress, {0, 3, 0, 0, 1, 2, 3, 4});
  cases.push_back({"XOR-MAPPED-ADDRESS family 3", xma3, StunError::kBadAttribute});
  Bytes err = header_only(kBindingError);
  append_attribute(err, attr::kErrorCode, {0, 0, 7, 0});
  cases.push_back({"ERROR-CODE class 7", err, StunError::kBadAttribute});
  Bytes err2 = header_only(kBindingError);
  append_attribute(err2, attr::kErrorCode, {0, 0, 4, 100});
  cases.push_back({"ERROR-CODE number 100", err2, StunError::kBadAttribute});
  Bytes user = header_only();
  append_attribute(user, attr::kUsername, Bytes(514, 'a'));
  cases.push_back({"USERNAME of 514 bytes", user, StunError::kBadAttribute});
  Bytes fp_short = header_only();
  append_attribute(fp_short, attr::kFingerprint, {0, 0});
  cases.push_back({"FINGERPRINT of 2 bytes", fp_short, StunError::kBadAttribute});
  return cases;
}

TEST(StunView, MalformedInputsRejected) {
  for (const Malformed& c : malformed_cases()) {
    StunError error = StunError::kNone;
    EXPECT_FALSE(StunView::parse(c.bytes, &error)) << c.name;
    EXPECT_EQ(error, c.expected) << c.name << ": got " << to_string(error);
  }
}

TEST(StunView, BadIntegrityDetected) {
  const HmacSha1 key = rfc_key();
  // Flip every byte covered by MESSAGE-INTEGRITY (except the cookie and the length, which
  // make the message unparseable) and the HMAC itself; refresh FINGERPRINT so parse succeeds.
  const Bytes request = bytes_of(test::kRfc5769Request);
  for (size_t i = 0; i < request.size() - 8; ++i) {
    if (i == 2 || i == 3 || (i >= 4 && i < 8)) continue;
    Bytes b = request;
    b[i] ^= 0x01;
    const size_t fp = b.size() - 4;
    store_be32(b.data() + fp,
               crc32(0, std::span<const uint8_t>(b).first(fp - 4)) ^ kFingerprintXor);
    const auto view = StunView::parse(b);
    if (i == 0 || i == 1) {
      // Type change keeps parse OK; integrity must still fail.
      ASSERT_TRUE(view) << i;
    }
    if (!view) continue;  // an attribute header byte changed into something malformed
    EXPECT_FALSE(view->verify_integrity(key)) << "byte " << i;
  }
}

}  // namespace
}  // namespace tandem::ice
