#include "registrar.hpp"

#include <gtest/gtest.h>

#include "sip/message_builder.hpp"
#include "sip/message_parser.hpp"

namespace tandem::pbx {
namespace {

using namespace std::chrono_literals;
using sip::HeaderId;
using sip::Message;

const TimePoint kStart{};

std::string crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

Message register_request(const std::string& user, uint32_t cseq, const std::string& contacts,
                         const std::string& extra = "", const std::string& call_id = "reg-1") {
  auto m = sip::parse_message(
      crlf("REGISTER sip:tandem.test SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK" +
           std::to_string(cseq) + "\nFrom: <sip:" + user + "@tandem.test>;tag=a\nTo: <sip:" + user +
           "@tandem.test>\nCall-ID: " + call_id + "\nCSeq: " + std::to_string(cseq) +
           " REGISTER\n" + (contacts.empty() ? "" : "Contact: " + contacts + "\n") + extra + "\n"));
  EXPECT_TRUE(m.ok()) << m.error().describe();
  return std::move(*m);
}

class RegistrarTest : public ::testing::Test {
 protected:
  // Answers the challenge in `challenge` for `request` as a client would.
  Message authorized(Message request, const Message& challenge, const std::string& password) {
    sip::DigestClient client(std::string(request.to()->uri.user), password);
    auto fields = client.answer(challenge, request);
    EXPECT_TRUE(fields.ok()) << fields.error().reason;
    for (const auto& f : *fields) request.add(f.id, f.value);
    return request;
  }

  // REGISTER, 401, REGISTER with credentials: the final response.
  Message registered(const Message& request, const std::string& password, TimePoint now) {
    const Message challenge = registrar.handle(request, flow, now);
    EXPECT_EQ(challenge.status(), 401);
    return registrar.handle(authorized(request, challenge, password), flow, now);
  }

  sip::DigestServer auth{{"tandem.test", "secret", 300s, {sip::DigestAlgorithm::kMd5}}};
  Registrar registrar{auth, {{"1000", "pw1000"}, {"1001", "pw1001"}}};
  sip::Flow flow;
};

TEST_F(RegistrarTest, ChallengesThenBindsAndListsTheContact) {
  const Message ok =
      registered(register_request("1000", 1, "<sip:1000@192.0.2.1:5080>"), "pw1000", kStart);
  ASSERT_EQ(ok.status(), 200);
  const auto contacts = ok.values(HeaderId::kContact);
  ASSERT_EQ(contacts.size(), 1u);
  EXPECT_EQ(contacts[0], "<sip:1000@192.0.2.1:5080>;expires=3600");
  EXPECT_EQ(registrar.lookup("1000", kStart).size(), 1u);
}

TEST_F(RegistrarTest, BindingsExpire) {
  registered(register_request("1000", 1, "<sip:1000@h>", "Expires: 120\n"), "pw1000", kStart);
  EXPECT_EQ(registrar.lookup("1000", kStart + 119s).size(), 1u);
  EXPECT_TRUE(registrar.lookup("1000", kStart + 120s).empty());
}

TEST_F(RegistrarTest, WrongPasswordAndForeignAddressAreForbidden) {
  const Message request = register_request("1001", 1, "<sip:1001@h>");
  const Message challenge = registrar.handle(request, flow, kStart);
  EXPECT_EQ(registrar.handle(authorized(request, challenge, "wrong"), flow, kStart).status(), 403);
  // 1000's credentials for 1001's address.
  Message as_other = register_request("1001", 2, "<sip:1001@h>");
  sip::DigestClient client("1000", "pw1000");
  const auto fields = client.answer(registrar.handle(as_other, flow, kStart), as_other);
  ASSERT_TRUE(fields.ok());
  for (const auto& f : *fields) as_other.add(f.id, f.value);
  const Message refused = registrar.handle(as_other, flow, kStart);
  EXPECT_EQ(refused.status(), 403);
  EXPECT_TRUE(registrar.lookup("1001", kStart).empty());
}

TEST_F(RegistrarTest, StaleNonceIsRechallengedAsStale) {
  const Message request = register_request("1000", 1, "<sip:1000@h>");
  const Message challenge = registrar.handle(request, flow, kStart);
  const Message late =
      registrar.handle(authorized(request, challenge, "pw1000"), flow, kStart + 301s);
  ASSERT_EQ(late.status(), 401);
  EXPECT_NE(late.find(HeaderId::kWwwAuthenticate)->value.find("stale=true"),
            std::string_view::npos);
}

TEST_F(RegistrarTest, TooBriefExpiryGets423WithMinExpires) {
  const Message brief =
      registered(register_request("1000", 1, "<sip:1000@h>;expires=5"), "pw1000", kStart);
  EXPECT_EQ(brief.status(), 423);
  EXPECT_EQ(brief.find(HeaderId::kMinExpires)->value, "60");
}

TEST_F(RegistrarTest, SeveralContactsThenWildcardRemoval) {
  registered(register_request("1000", 1, "<sip:a@h>, <sip:b@h>;expires=600"), "pw1000", kStart);
  EXPECT_EQ(registrar.lookup("1000", kStart).size(), 2u);
  const Message cleared =
      registered(register_request("1000", 2, "*", "Expires: 0\n"), "pw1000", kStart + 1s);
  EXPECT_EQ(cleared.status(), 200);
  EXPECT_FALSE(cleared.has(HeaderId::kContact));
  EXPECT_TRUE(registrar.lookup("1000", kStart + 1s).empty());
  const Message bad = registered(register_request("1000", 3, "*"), "pw1000", kStart + 2s);
  EXPECT_EQ(bad.status(), 400);  // a wildcard without Expires: 0
}

TEST_F(RegistrarTest, OutOfOrderRefreshIsRejected) {
  registered(register_request("1000", 5, "<sip:a@h>"), "pw1000", kStart);
  const Message older = registered(register_request("1000", 4, "<sip:a@h>"), "pw1000", kStart);
  EXPECT_EQ(older.status(), 500);
}

TEST_F(RegistrarTest, QueryWithoutContactListsBindings) {
  registered(register_request("1000", 1, "<sip:a@h>"), "pw1000", kStart);
  const Message listed = registered(register_request("1000", 2, ""), "pw1000", kStart + 10s);
  ASSERT_EQ(listed.status(), 200);
  EXPECT_EQ(listed.values(HeaderId::kContact).front(), "<sip:a@h>;expires=3590");
}

}  // namespace
}  // namespace tandem::pbx
