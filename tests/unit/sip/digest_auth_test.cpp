#include "sip/digest_auth.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/text.hpp"
#include "sip/message_builder.hpp"
#include "sip/message_parser.hpp"
#include "sip/serializer.hpp"
#include "sip_test_util.hpp"

namespace tandem::sip {
namespace {

using std::chrono::seconds;
using test::crlf;
using enum DigestAlgorithm;

constexpr TimePoint kT0 = TimePoint{} + std::chrono::hours(1000);
constexpr DigestAlgorithm kAllAlgorithms[] = {kMd5,        kMd5Sess,    kSha256,
                                              kSha256Sess, kSha512_256, kSha512_256Sess};

// RFC 7616 §3.9.1. The nonce is the RFC's "7ypf/...GiTo0v"; the published responses are for it.
constexpr std::string_view kRfc7616Nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
constexpr std::string_view kRfc7616Cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

DigestSecret password_of(std::string_view user) {
  return DigestSecret::password(std::string(user) + "-pw");
}

// Users "alice" and "bob"; anyone else is unknown.
std::optional<DigestSecret> lookup(std::string_view user, std::string_view, DigestAlgorithm) {
  if (user == "alice" || user == "bob") return password_of(user);
  return std::nullopt;
}

DigestServerConfig config(std::vector<DigestAlgorithm> algorithms = {kSha256, kMd5}) {
  DigestServerConfig c;
  c.realm = "tandem.test";
  c.secret = "0123456789abcdef-secret";
  c.algorithms = std::move(algorithms);
  return c;
}

DigestCredentials answer(const DigestChallenge& challenge, std::string_view user = "alice",
                         uint32_t nc = 1, std::string_view method = "REGISTER") {
  auto c =
      answer_challenge(challenge, method, "sip:tandem.test", user, password_of(user).value, nc);
  EXPECT_TRUE(c.ok()) << c.error().reason;
  return c.ok() ? *c : DigestCredentials{};
}

DigestVerdict check(DigestServer& server, const DigestCredentials& c, TimePoint now = kT0) {
  return server.verify(c, "REGISTER", lookup, now);
}

// ---- Known-answer vectors ----

// The fixed inputs of one published example.
struct Example {
  std::string_view username, password, realm, nonce, cnonce;
};
constexpr Example kRfc2617{"Mufasa", "Circle Of Life", "testrealm@host.com",
                           "dcd98b7102dd2f0e8b11d0f600bfb0c093", "0a4f113b"};
constexpr Example kRfc2069{"Mufasa", "CircleOfLife", "testrealm@host.com",
                           "dcd98b7102dd2f0e8b11d0f600bfb0c093", ""};
constexpr Example kRfc7616{"Mufasa", "Circle of Life", "http-auth@example.org", kRfc7616Nonce,
                           kRfc7616Cnonce};

struct Vector {
  std::string_view name;
  DigestAlgorithm algorithm;
  const Example& in;
  std::string_view method, uri, qop, nc, body, response;
};

// "RFC ..." rows are published examples; "oracle" rows were computed with Python's hashlib,
// an independent implementation of the same formulas, on the RFC 7616 inputs.
constexpr Vector kVectors[] = {
    {"RFC 2617 3.5", kMd5, kRfc2617, "GET", "/dir/index.html", "auth", "00000001", "",
     "6629fae49393a05397450978507c4ef1"},
    {"RFC 7616 3.9.1 MD5", kMd5, kRfc7616, "GET", "/dir/index.html", "auth", "00000001", "",
     "8ca523f5e9506fed4657c9700eebdbec"},
    {"RFC 7616 3.9.1 SHA-256", kSha256, kRfc7616, "GET", "/dir/index.html", "auth", "00000001", "",
     "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
    {"oracle SHA-512-256", kSha512_256, kRfc7616, "GET", "/dir/index.html", "auth", "00000001", "",
     "430d05014cecc49cab6fbe03176d41a1da86cbfe24a16580e22aaad928d960d0"},
    {"oracle MD5-sess", kMd5Sess, kRfc7616, "GET", "/dir/index.html", "auth", "00000001", "",
     "e783283f46242139c486a698fec7211d"},
    {"oracle SHA-256-sess", kSha256Sess, kRfc7616, "GET", "/dir/index.html", "auth", "00000001", "",
     "2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7"},
    {"oracle SHA-512-256-sess", kSha512_256Sess, kRfc7616, "GET", "/dir/index.html", "auth",
     "00000001", "", "3f2a34f923c38b0fb26dce2fdfc2ce326c23cecf86fbb1444f3e51fbbc2cb92e"},
    {"oracle MD5 auth-int", kMd5, kRfc7616, "INVITE", "sip:bob@example.org", "auth-int", "00000002",
     "v=0\r\n", "3dbb0971468cf612bdccd7dff696c5e6"},
    {"oracle SHA-256 auth-int", kSha256, kRfc7616, "INVITE", "sip:bob@example.org", "auth-int",
     "00000002", "v=0\r\n", "21468b02aafd4fe0a3d84bfddaf3618cc087adff4bb3c92d0a5f99c3035fcb9a"},
    {"oracle RFC 2069 (no qop)", kMd5, kRfc2069, "GET", "/dir/index.html", "", "", "",
     "1949323746fe6a43ef61f9606e7febea"},
};

TEST(DigestVectors, ResponsesMatchPublishedAndOracleValues) {
  for (const Vector& v : kVectors) {
    SCOPED_TRACE(v.name);
    const std::string ha1 = digest_ha1(v.algorithm, v.in.username, v.in.realm, v.in.password);
    auto response = digest_response(
        ha1, {v.algorithm, v.in.nonce, v.in.cnonce, v.nc, v.qop, v.method, v.uri, v.body});
    ASSERT_TRUE(response.ok()) << response.error().reason;
    EXPECT_EQ(*response, v.response);
  }
}

TEST(DigestVectors, AnswerChallengeReproducesVectors) {
  for (const Vector& v : kVectors) {
    SCOPED_TRACE(v.name);
    DigestChallenge challenge;
    challenge.realm = std::string(v.in.realm);
    challenge.nonce = std::string(v.in.nonce);
    challenge.opaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";
    challenge.algorithm = std::string(algorithm_name(v.algorithm));
    if (!v.qop.empty()) challenge.qop = {std::string(v.qop)};
    auto c = answer_challenge(challenge, v.method, v.uri, v.in.username, v.in.password,
                              v.nc.empty() ? 1 : std::stoul(std::string(v.nc), nullptr, 16),
                              v.in.cnonce, v.body);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->response, v.response);
    EXPECT_EQ(c->nc, v.nc);
    EXPECT_EQ(c->qop, v.qop);
    EXPECT_EQ(c->opaque, challenge.opaque);  // echoed (RFC 7616 §3.4)
    EXPECT_EQ(c->uri, v.uri);
    // What goes on the wire parses back to the same credentials.
    auto header = parse_auth_header(to_auth_header(*c).to_string());
    ASSERT_TRUE(header.ok());
    EXPECT_EQ(*digest_credentials(*header), *c);
  }
}

TEST(DigestVectors, AlgorithmNames) {
  for (DigestAlgorithm algorithm : kAllAlgorithms) {
    EXPECT_EQ(parse_digest_algorithm(algorithm_name(algorithm)), algorithm);
    EXPECT_EQ(parse_digest_algorithm(to_lower(algorithm_name(algorithm))), algorithm);
  }
  EXPECT_EQ(algorithm_name(kSha512_256Sess), "SHA-512-256-sess");
  EXPECT_EQ(parse_digest_algorithm(""), kMd5);  // RFC 7616 §3.3: absent means MD5
  for (std::string_view unknown : {"SHA-1", "AKAv1-MD5", "SHA256", "MD5 ", "SHA-512"}) {
    EXPECT_FALSE(parse_digest_algorithm(unknown).has_value()) << unknown;
  }
  EXPECT_EQ(digest_hash(kSha256, "").size(), 64u);
  EXPECT_EQ(digest_hash(kMd5, ""), "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(DigestVectors, ResponseInputErrors) {
  const DigestParams bad[] = {{kMd5, "n", "c", "00000001", "auth-conf", "GET", "/", ""},
                              {kMd5, "n", "", "00000001", "auth", "GET", "/", ""},
                              {kMd5Sess, "n", "", "", "", "GET", "/", ""}};
  for (const DigestParams& params : bad) EXPECT_FALSE(digest_response("00", params).ok());
}

// ---- Client ----

DigestChallenge simple_challenge(std::string algorithm, std::vector<std::string> qop) {
  DigestChallenge c;
  c.realm = "tandem.test";
  c.nonce = "abc";
  c.algorithm = std::move(algorithm);
  c.qop = std::move(qop);
  return c;
}

TEST(DigestClientTest, ChoosesQop) {
  const struct {
    std::vector<std::string> offered;
    std::optional<std::string_view> chosen;  // empty: error
  } cases[] = {
      {{}, ""},           {{"auth"}, "auth"},         {{"auth-int", "auth"}, "auth"},
      {{"AUTH"}, "auth"}, {{"auth-int"}, "auth-int"}, {{"auth-conf"}, std::nullopt},
  };
  for (const auto& tc : cases) {
    auto c =
        answer_challenge(simple_challenge("MD5", tc.offered), "REGISTER", "sip:x", "u", "p", 1);
    ASSERT_EQ(c.ok(), tc.chosen.has_value());
    if (c.ok()) {
      EXPECT_EQ(c->qop, *tc.chosen);
    }
  }
}

TEST(DigestClientTest, AnswerDetails) {
  auto bad = answer_challenge(simple_challenge("AKAv1-MD5", {"auth"}), "R", "u", "u", "hunter2", 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().reason.find("hunter2"), std::string::npos);  // never in errors
  EXPECT_FALSE(answer_challenge(simple_challenge("MD5", {"auth"}), "R", "u", "u", "p", 0).ok());
  // A fresh random cnonce for each answer when none is given.
  auto a = answer_challenge(simple_challenge("MD5", {"auth"}), "R", "sip:x", "u", "p", 1);
  auto b = answer_challenge(simple_challenge("MD5", {"auth"}), "R", "sip:x", "u", "p", 1);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->cnonce.size(), 32u);
  EXPECT_NE(a->cnonce, b->cnonce);
  // RFC 2069 style: no qop, no cnonce, no nc.
  auto old = answer_challenge(simple_challenge("MD5", {}), "R", "sip:x", "u", "p", 1);
  ASSERT_TRUE(old.ok());
  EXPECT_TRUE(old->cnonce.empty() && old->nc.empty());
  // RFC 7616 §3.4.4: with userhash, username = H(unq(username) ":" unq(realm)).
  DigestChallenge hashed = simple_challenge("SHA-256", {"auth"});
  hashed.userhash = true;
  auto c = answer_challenge(hashed, "REGISTER", "sip:x", "alice", "p", 1);
  ASSERT_TRUE(c.ok() && c->userhash);
  EXPECT_EQ(c->username, digest_hash(kSha256, "alice:tandem.test"));
}

TEST(DigestClientTest, StrongestChallengeWins) {
  const struct {
    std::vector<std::string> algorithms;
    int expected_index;  // -1: none
  } cases[] = {
      {{"MD5", "SHA-256"}, 1},
      {{"SHA-256", "MD5"}, 0},
      {{"MD5", "SHA-512-256", "SHA-256"}, 1},
      {{"SHA-256-sess", "SHA-256"}, 0} /* equal strength: the server's order */,
      {{"AKAv1-MD5", "MD5"}, 1},
      {{"AKAv1-MD5"}, -1},
  };
  for (const auto& tc : cases) {
    std::vector<DigestChallenge> challenges;
    for (const std::string& a : tc.algorithms) challenges.push_back(simple_challenge(a, {"auth"}));
    const DigestChallenge* best = strongest_challenge(challenges);
    if (tc.expected_index < 0) {
      EXPECT_EQ(best, nullptr);
    } else {
      EXPECT_EQ(best, &challenges[static_cast<size_t>(tc.expected_index)]);
    }
  }
}

TEST(DigestClientTest, NonceCountIncrementsAndResetsWithNewNonce) {
  DigestClient client("alice", "alice-pw");
  EXPECT_FALSE(client.credentials("tandem.test", "REGISTER", "sip:x").ok());
  client.remember(simple_challenge("MD5", {"auth"}), HeaderId::kAuthorization);
  for (std::string_view nc : {"00000001", "00000002", "00000003"}) {
    auto c = client.credentials("tandem.test", "REGISTER", "sip:x");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->nc, nc);
  }
  DigestChallenge fresh = simple_challenge("MD5", {"auth"});
  fresh.nonce = "def";
  client.remember(fresh, HeaderId::kAuthorization);
  auto c = client.credentials("tandem.test", "REGISTER", "sip:x");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->nc, "00000001");
  EXPECT_EQ(c->nonce, "def");
}

// ---- Server ----

TEST(DigestServerTest, RoundTripsEveryAlgorithmAndQop) {
  for (DigestAlgorithm algorithm : kAllAlgorithms) {
    for (std::string_view qop : {"auth", "auth-int"}) {
      SCOPED_TRACE(std::string(algorithm_name(algorithm)) + " " + std::string(qop));
      DigestServerConfig cfg = config({algorithm});
      cfg.offer_auth_int = true;
      DigestServer server(cfg);
      DigestChallenge challenge = server.challenge(kT0);
      EXPECT_EQ(challenge.algorithm, algorithm_name(algorithm));
      challenge.qop = {std::string(qop)};  // force the client's choice
      for (uint32_t nc : {1u, 2u}) {
        auto c = answer_challenge(challenge, "INVITE", "sip:bob@x", "bob", "bob-pw", nc, {}, "v=0");
        ASSERT_TRUE(c.ok());
        // The second request's body was altered in transit: only auth-int notices.
        const DigestVerdict verdict =
            server.verify(*c, "INVITE", lookup, kT0 + seconds(1), {"", nc == 1 ? "v=0" : "v=1"});
        EXPECT_EQ(verdict,
                  nc == 2 && qop == "auth-int" ? DigestVerdict::kBadResponse : DigestVerdict::kOk);
      }
    }
  }
}

TEST(DigestServerTest, ChallengesOfferEveryAlgorithmAndAnyInstanceVerifies) {
  DigestServer server(config());
  const std::vector<DigestChallenge> all = server.challenges(kT0, true);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].algorithm, "SHA-256");
  EXPECT_EQ(all[1].algorithm, "MD5");
  EXPECT_EQ(all[0].nonce, all[1].nonce);
  EXPECT_TRUE(all[0].stale);
  EXPECT_EQ(all[0].qop, std::vector<std::string>{"auth"});
  EXPECT_NE(server.make_nonce(kT0), server.make_nonce(kT0));  // salted: unique per call
  // Any instance holding the secret verifies the nonce: nothing to share when scaling out.
  DigestServer other(config());
  EXPECT_EQ(check(other, answer(all[1])), DigestVerdict::kOk);
}

TEST(DigestServerTest, NonceGoesStaleAfterItsLifetimeAndClientRetries) {
  DigestServer server(config());
  const DigestChallenge challenge = server.challenge(kT0);
  DigestClient client("alice", "alice-pw");
  client.remember(challenge, HeaderId::kAuthorization);
  auto next = [&] { return *client.credentials("tandem.test", "REGISTER", "sip:tandem.test"); };
  EXPECT_EQ(check(server, next(), kT0 + seconds(299)), DigestVerdict::kOk);
  const TimePoint later = kT0 + seconds(301);
  EXPECT_EQ(check(server, next(), later), DigestVerdict::kStale);
  // A wrong password on an expired nonce is not "stale" (RFC 7616 §3.3).
  auto wrong = answer_challenge(challenge, "REGISTER", "sip:tandem.test", "alice", "nope", 3);
  EXPECT_EQ(check(server, *wrong, later), DigestVerdict::kBadResponse);
  // The stale=true challenge is answered with the password already known; nc restarts.
  client.remember(server.challenge(later, true), HeaderId::kAuthorization);
  const DigestCredentials retry = next();
  EXPECT_EQ(retry.nc, "00000001");
  EXPECT_EQ(check(server, retry, later), DigestVerdict::kOk);
}

TEST(DigestServerTest, RejectsForgedAndForeignNonces) {
  DigestServer server(config());
  DigestServerConfig other_secret = config();
  other_secret.secret = "another secret";
  DigestServerConfig other_realm = config();
  other_realm.realm = "elsewhere.test";
  DigestChallenge challenge = server.challenge(kT0);
  std::string flipped = challenge.nonce;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  std::string early = challenge.nonce;  // a timestamp edit breaks the MAC
  early[0] = early[0] == '0' ? '1' : '0';
  const std::string forged[] = {flipped,
                                early,
                                DigestServer(other_secret).make_nonce(kT0),
                                DigestServer(other_realm).make_nonce(kT0),
                                "",
                                "abc",
                                "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                                std::string(64, 'z'),
                                server.make_nonce(kT0 + seconds(60)) /* from the future */};
  for (const std::string& nonce : forged) {
    challenge.nonce = nonce;
    EXPECT_EQ(check(server, answer(challenge)), DigestVerdict::kBadNonce) << nonce;
  }
}

TEST(DigestServerTest, VerdictsForBadCredentials) {
  DigestServer server(config());
  const DigestChallenge challenge = server.challenge(kT0);
  auto wrong_password =
      answer_challenge(challenge, "REGISTER", "sip:tandem.test", "alice", "bob-pw", 1);
  EXPECT_EQ(check(server, *wrong_password), DigestVerdict::kBadResponse);
  EXPECT_EQ(check(server, answer(challenge, "mallory")), DigestVerdict::kUnknownUser);
  EXPECT_EQ(check(server, answer(challenge, "alice", 1, "INVITE")),
            DigestVerdict::kBadResponse);  // method is signed
  DigestCredentials other_realm = answer(challenge);
  other_realm.realm = "elsewhere.test";
  EXPECT_EQ(check(server, other_realm), DigestVerdict::kRealmMismatch);
  EXPECT_EQ(
      server.verify(answer(challenge, "alice", 2), "REGISTER", lookup, kT0, {"sip:other.test", ""}),
      DigestVerdict::kUriMismatch);
  DigestCredentials bad_nc = answer(challenge, "alice", 3);
  bad_nc.nc = "0000000g";
  EXPECT_EQ(check(server, bad_nc), DigestVerdict::kMalformed);
  EXPECT_EQ(server.verify(answer(challenge, "alice", 4), "REGISTER", DigestLookup{}, kT0),
            DigestVerdict::kUnknownUser);
}

TEST(DigestServerTest, AcceptsStoredHa1AndUpperCaseHex) {
  DigestServer server(config());
  const DigestChallenge challenge = server.challenge(kT0, false, kMd5);
  DigestLookup ha1_store = [](std::string_view user, std::string_view realm, DigestAlgorithm a) {
    std::string ha1 = digest_ha1(a, user, realm, password_of(user).value);
    for (char& ch : ha1) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return std::optional<DigestSecret>(DigestSecret::ha1(ha1));
  };
  DigestCredentials c = answer(challenge);
  for (char& ch : c.response) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(server.verify(c, "REGISTER", ha1_store, kT0), DigestVerdict::kOk);
}

TEST(DigestServerTest, RejectsReplayedNonceCounts) {
  DigestServer server(config());
  const DigestChallenge challenge = server.challenge(kT0);
  const DigestCredentials one = answer(challenge, "alice", 1);
  EXPECT_EQ(check(server, one), DigestVerdict::kOk);
  EXPECT_EQ(check(server, one), DigestVerdict::kReplay);
  EXPECT_EQ(check(server, answer(challenge, "alice", 3)), DigestVerdict::kOk);
  EXPECT_EQ(check(server, answer(challenge, "alice", 2)), DigestVerdict::kReplay);
  EXPECT_EQ(check(server, answer(challenge, "alice", 4)), DigestVerdict::kOk);
  EXPECT_EQ(server.tracked_nonces(), 1u);
}

TEST(DigestServerTest, ReplayTableIsBoundedWithoutReopeningReplays) {
  DigestServerConfig cfg = config();
  cfg.max_tracked_nonces = 2;
  DigestServer server(cfg);
  std::vector<DigestCredentials> used;
  for (int i = 0; i < 3; ++i) {
    used.push_back(answer(server.challenge(kT0 + seconds(i))));
    EXPECT_EQ(check(server, used.back(), kT0 + seconds(i)), DigestVerdict::kOk);
  }
  EXPECT_EQ(server.tracked_nonces(), 2u);
  // The first nonce's entry was dropped while live: its replay must not pass.
  EXPECT_EQ(check(server, used[0], kT0 + seconds(3)), DigestVerdict::kStale);
  // Expired entries go first, without marking live nonces as forgotten.
  const TimePoint later = kT0 + seconds(400);
  EXPECT_EQ(server.verify(answer(server.challenge(later)), "REGISTER", lookup, later),
            DigestVerdict::kOk);
  EXPECT_EQ(server.tracked_nonces(), 1u);
}

TEST(DigestServerTest, PolicyOnAlgorithmAndQop) {
  DigestServer md5_only(config({kMd5}));
  DigestChallenge challenge = md5_only.challenge(kT0);
  challenge.algorithm = "SHA-256";  // a client answering with something never offered
  EXPECT_EQ(check(md5_only, answer(challenge)), DigestVerdict::kMalformed);

  DigestChallenge no_qop = md5_only.challenge(kT0);
  no_qop.qop.clear();
  EXPECT_EQ(check(md5_only, answer(no_qop)), DigestVerdict::kMalformed);
  DigestServerConfig old = config({kMd5});
  old.allow_no_qop = true;
  DigestServer lenient(old);
  no_qop = lenient.challenge(kT0);
  no_qop.qop.clear();
  EXPECT_EQ(check(lenient, answer(no_qop)), DigestVerdict::kOk);
  DigestChallenge auth_int = lenient.challenge(kT0);
  auth_int.qop = {"auth-int"};
  EXPECT_EQ(check(lenient, answer(auth_int)), DigestVerdict::kMalformed);
}

// ---- The 401/407 convenience on parsed messages ----

Message parse_ok(const std::string& text) {
  auto m = parse_message(text);
  EXPECT_TRUE(m.ok()) << m.error().describe();
  return m.ok() ? *m : Message{};
}

Message register_request(std::string_view extra = "", int cseq = 1) {
  return parse_ok(
      crlf("REGISTER sip:tandem.test SIP/2.0\n"
           "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds" +
           std::to_string(cseq) +
           "\nMax-Forwards: 70\n"
           "To: <sip:alice@tandem.test>\n"
           "From: <sip:alice@tandem.test>;tag=1928301774\n"
           "Call-ID: a84b4c76e66710@192.0.2.10\n"
           "CSeq: " +
           std::to_string(cseq) + " REGISTER\nContact: <sip:alice@192.0.2.10>\n" +
           std::string(extra) + "Content-Length: 0\n\n"));
}

std::string challenge_response(int status, const std::vector<std::string>& challenges) {
  std::string text = "SIP/2.0 " + std::to_string(status) + " Unauthorized\n" +
                     "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds\n"
                     "To: <sip:alice@tandem.test>;tag=a6c85cf\n"
                     "From: <sip:alice@tandem.test>;tag=1928301774\n"
                     "Call-ID: a84b4c76e66710@192.0.2.10\n"
                     "CSeq: 1 REGISTER\n";
  for (const std::string& c : challenges) text += c + "\n";
  return crlf(text + "Content-Length: 0\n\n");
}

// A 401 (or 407) carrying `server`'s challenges.
Message challenged(const DigestServer& server, bool stale = false, int status = 401) {
  Message response = parse_ok(challenge_response(status, {}));
  server.add_challenges(response, kT0, stale);
  return response;
}

DigestCredentials parse_field(const AuthorizationField& field) {
  auto header = parse_auth_header(field.value);
  EXPECT_TRUE(header.ok());
  auto c = header.ok() ? digest_credentials(*header) : Result<DigestCredentials>(Error{"x"});
  EXPECT_TRUE(c.ok());
  return c.ok() ? *c : DigestCredentials{};
}

TEST(DigestClientTest, Answers401WithStrongestChallenge) {
  DigestServer server(config());
  for (bool md5_first : {false, true}) {
    const std::string nonce = server.make_nonce(kT0);
    auto line = [&](std::string_view algorithm) {
      return R"(WWW-Authenticate: Digest realm="tandem.test", nonce=")" + nonce +
             "\", algorithm=" + std::string(algorithm) + ", qop=\"auth\"";
    };
    const std::string sha = line("SHA-256"), md5 = line("MD5");
    const Message response = parse_ok(
        challenge_response(401, md5_first ? std::vector{md5, sha} : std::vector{sha, md5}));
    DigestClient client("alice", "alice-pw");
    auto fields = client.answer(response, register_request());
    ASSERT_TRUE(fields.ok()) << fields.error().reason;
    ASSERT_EQ(fields->size(), 1u);
    EXPECT_EQ((*fields)[0].id, HeaderId::kAuthorization);
    const DigestCredentials c = parse_field((*fields)[0]);
    EXPECT_EQ(c.algorithm, "SHA-256");
    EXPECT_EQ(c.uri, "sip:tandem.test");
    EXPECT_EQ(server.verify(c, "REGISTER", lookup, kT0, {"sip:tandem.test", ""}),
              DigestVerdict::kOk);
  }
}

TEST(DigestClientTest, Answers407WithProxyAuthorizationAndReusesIt) {
  DigestServer server(config({kMd5}));
  const Message response = challenged(server, false, 407);
  ASSERT_TRUE(response.has(HeaderId::kProxyAuthenticate));
  EXPECT_FALSE(response.has(HeaderId::kWwwAuthenticate));
  DigestClient client("bob", "bob-pw");
  auto fields = client.answer(response, register_request());
  ASSERT_TRUE(fields.ok()) << fields.error().reason;
  ASSERT_EQ(fields->size(), 1u);
  EXPECT_EQ((*fields)[0].id, HeaderId::kProxyAuthorization);
  Message retried = register_request();
  retried.add((*fields)[0].id, (*fields)[0].value);
  auto c = server.find_credentials(retried, HeaderId::kProxyAuthorization);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(check(server, *c), DigestVerdict::kOk);
  // The next request carries credentials up front, with the next nonce count.
  const std::vector<AuthorizationField> next = client.authorize(register_request());
  ASSERT_EQ(next.size(), 1u);
  const DigestCredentials again = parse_field(next[0]);
  EXPECT_EQ(again.nc, "00000002");
  EXPECT_EQ(check(server, again), DigestVerdict::kOk);
}

TEST(DigestClientTest, StopsWhenCredentialsAreRejectedButRetriesStale) {
  DigestServer server(config({kMd5}));
  DigestClient client("alice", "wrong-pw");
  auto fields = client.answer(challenged(server), register_request());
  ASSERT_TRUE(fields.ok());
  const Message sent = register_request("Authorization: " + (*fields)[0].value + "\n");
  auto rejected = client.answer(challenged(server), sent);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().reason.find("wrong-pw"), std::string::npos);
  EXPECT_TRUE(client.answer(challenged(server, true), sent).ok());
  EXPECT_FALSE(client.answer(parse_ok(challenge_response(401, {})), sent).ok());
}

// ---- Interop with SIPp (apt sip-tester) ----

constexpr const char* kSipp = "/usr/bin/sipp";

// A UDP socket on 127.0.0.1, ephemeral port, 5 s receive timeout.
struct UdpSocket {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address{AF_INET, 0, {htonl(INADDR_LOOPBACK)}, {}};
  uint16_t port = 0;

  UdpSocket() {
    socklen_t len = sizeof address;
    const timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    auto* addr = reinterpret_cast<sockaddr*>(&address);
    if (::bind(fd, addr, len) == 0 && ::getsockname(fd, addr, &len) == 0) {
      port = ntohs(address.sin_port);
    }
  }
  ~UdpSocket() { ::close(fd); }
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  void send_to(const std::string& data, sockaddr_in to) const {
    ::sendto(fd, data.data(), data.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  }
  void send_to(const std::string& data, uint16_t to_port) const {
    send_to(data, sockaddr_in{AF_INET, htons(to_port), {htonl(INADDR_LOOPBACK)}, {}});
  }
  // One datagram, or "" on timeout.
  std::string receive(sockaddr_in* from = nullptr) const {
    std::string buffer(65536, '\0');
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    const ssize_t n =
        ::recvfrom(fd, buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr*>(&peer), &len);
    if (from != nullptr) *from = peer;
    buffer.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return buffer;
  }
};

uint16_t free_udp_port() { return UdpSocket().port; }

// Whether something is bound to 127.0.0.1:port over UDP (Linux /proc/net/udp).
bool udp_port_bound(uint16_t port) {
  std::ifstream table("/proc/net/udp");
  char wanted[16];
  std::snprintf(wanted, sizeof wanted, "0100007F:%04X", port);
  for (std::string line; std::getline(table, line);) {
    if (line.find(wanted) != std::string::npos) return true;
  }
  return false;
}

// SIPp run in a temporary directory; killed (if still running) and cleaned up at scope exit.
class SippRun {
 public:
  SippRun(const std::string& scenario, std::vector<std::string> args) {
    char dir_template[] = "/tmp/tandem-digest-sipp-XXXXXX";
    dir_ = ::mkdtemp(dir_template);
    std::ofstream(dir_ / "scenario.xml") << scenario;
    args.insert(args.begin(), {kSipp, "-sf", "scenario.xml", "-nostdin", "-m", "1", "-timeout",
                               "8s", "-timeout_error"});
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addchdir_np(&actions, dir_.c_str());  // any file SIPp writes
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "sipp.log", O_WRONLY | O_CREAT, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (posix_spawn(&pid_, kSipp, &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~SippRun() {
    if (pid_ > 0 && !exited()) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  SippRun(const SippRun&) = delete;
  SippRun& operator=(const SippRun&) = delete;

  bool wait_bound(uint16_t port) {
    return poll([&] { return udp_port_bound(port) || exited(); }) && !exited();
  }
  // SIPp's exit status (0: every call succeeded), or -1 if it is still running after 3 s.
  int wait_exit() {
    return poll([&] { return exited(); }) && WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
  }
  std::string log() const {
    std::ifstream in(dir_ / "sipp.log");
    return std::string(std::istreambuf_iterator<char>(in), {}).substr(0, 4000);
  }

 private:
  template <typename Done>
  static bool poll(Done done) {
    for (int i = 0; i < 100; ++i, std::this_thread::sleep_for(std::chrono::milliseconds(30))) {
      if (done()) return true;
    }
    return false;
  }
  bool exited() {
    done_ = done_ || (pid_ > 0 && ::waitpid(pid_, &status_, WNOHANG) == pid_);
    return done_ || pid_ <= 0;
  }

  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int status_ = 0;
  bool done_ = false;
};

// A SIPp <send> of a response echoing the request's dialog headers.
std::string sipp_reply(std::string_view status, std::string_view extra = "",
                       std::string_view attributes = "") {
  return "  <send" + std::string(attributes) + "><![CDATA[\nSIP/2.0 " + std::string(status) +
         "\n[last_Via:]\n[last_From:]\n[last_To:];tag=[pid]SIPpTag01[call_number]\n"
         "[last_Call-ID:]\n[last_CSeq:]\n" +
         std::string(extra) + "Content-Length: 0\n\n]]></send>\n";
}

// Challenges the first REGISTER; answers the second 200 if verifyauth accepts it, else 403.
std::string sipp_uas_scenario() {
  return R"(<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="tandem digest uas">
  <recv request="REGISTER"/>
)" +
         sipp_reply("401 Unauthorized",
                    "WWW-Authenticate: Digest realm=\"sipp.test\", nonce=\"5c7a3e0f9b1d4a62\", "
                    "algorithm=MD5, qop=\"auth\"\n") +
         R"(  <recv request="REGISTER">
    <action><verifyauth assign_to="authok" username="alice" password="s3cret"/></action>
  </recv>
  <nop hide="true" test="authok" next="good"/>
)" + sipp_reply("403 Forbidden", "", " next=\"end\"") +
         "  <label id=\"good\"/>\n" + sipp_reply("200 OK") + "  <label id=\"end\"/>\n</scenario>\n";
}

// Sends REGISTER, answers SIPp's 401 with DigestClient, returns the final status (0: none).
int register_with_sipp(std::string_view password) {
  UdpSocket socket;
  const uint16_t sipp_port = free_udp_port();
  SippRun sipp(sipp_uas_scenario(), {"-i", "127.0.0.1", "-p", std::to_string(sipp_port)});
  if (!sipp.wait_bound(sipp_port)) {
    ADD_FAILURE() << sipp.log();
    return 0;
  }
  const Message first = register_request();
  socket.send_to(serialize(first), sipp_port);
  const Message challenge = parse_ok(socket.receive());
  DigestClient client("alice", std::string(password));
  auto fields = client.answer(challenge, first);
  if (challenge.status() != 401 || !fields) {
    ADD_FAILURE() << "no usable 401 from SIPp: " << sipp.log();
    return 0;
  }
  Message second = register_request("", 2);
  for (const AuthorizationField& f : *fields) second.add(f.id, f.value);
  socket.send_to(serialize(second), sipp_port);
  const std::string final_raw = socket.receive();
  EXPECT_EQ(sipp.wait_exit(), 0) << sipp.log();
  return final_raw.empty() ? 0 : parse_ok(final_raw).status();
}

TEST(DigestSipp, OurClientPassesSippVerifyauth) {
  if (::access(kSipp, X_OK) != 0) GTEST_SKIP() << "SIPp not installed (apt install sip-tester)";
  EXPECT_EQ(register_with_sipp("s3cret"), 200);
  EXPECT_EQ(register_with_sipp("not-the-password"), 403);  // SIPp really checks
}

// A SIPp <send> of REGISTER number `cseq`.
std::string sipp_register(int cseq, std::string_view extra = "") {
  return R"(  <send retrans="500"><![CDATA[
REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:alice@tandem.test>;tag=[pid]SIPpTag00[call_number]
To: <sip:alice@tandem.test>
Call-ID: [call_id]
CSeq: )" +
         std::to_string(cseq) + " REGISTER\nContact: <sip:alice@[local_ip]:[local_port]>\n" +
         std::string(extra) + "Max-Forwards: 70\nContent-Length: 0\n\n]]></send>\n";
}

// REGISTER, answer the 401 with SIPp's own Digest code, expect 200.
std::string sipp_uac_scenario() {
  return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"tandem digest "
         "uac\">\n" +
         sipp_register(1) + "  <recv response=\"401\" auth=\"true\"/>\n" +
         sipp_register(2, "[authentication username=alice password=alice-pw]\n") +
         "  <recv response=\"200\"/>\n</scenario>\n";
}

// Serves REGISTERs until one carries credentials; returns that one's verdict.
std::optional<DigestVerdict> serve_register(const UdpSocket& socket, DigestServer& server) {
  const TimePoint now = SteadyClock::now();
  for (int i = 0; i < 4; ++i) {
    sockaddr_in peer{};
    const std::string raw = socket.receive(&peer);
    if (raw.empty()) return std::nullopt;
    auto request = parse_message(raw);
    if (!request || request->method() != "REGISTER") continue;
    const auto credentials = server.find_credentials(*request, HeaderId::kAuthorization);
    if (!credentials) {
      Message challenge = make_response(*request, 401);
      server.add_challenges(challenge, now);
      socket.send_to(serialize(challenge), peer);
      continue;
    }
    const DigestVerdict verdict = check(server, *credentials, now);
    socket.send_to(serialize(make_response(*request, verdict == DigestVerdict::kOk ? 200 : 403)),
                   peer);
    return verdict;
  }
  return std::nullopt;
}

TEST(DigestSipp, SippUacPassesOurServer) {
  if (::access(kSipp, X_OK) != 0) GTEST_SKIP() << "SIPp not installed (apt install sip-tester)";
  // SIPp 3.6.1 (Debian 12) answers only the first challenge and only MD5 ones, so SHA-256 can
  // only come second here.
  const std::vector<DigestAlgorithm> offers[] = {{kMd5}, {kMd5, kSha256}};
  for (const std::vector<DigestAlgorithm>& offer : offers) {
    SCOPED_TRACE(offer.size());
    UdpSocket socket;
    DigestServer server(config(offer));
    SippRun sipp(sipp_uac_scenario(), {"127.0.0.1:" + std::to_string(socket.port), "-i",
                                       "127.0.0.1", "-p", std::to_string(free_udp_port())});
    const std::optional<DigestVerdict> verdict = serve_register(socket, server);
    ASSERT_TRUE(verdict.has_value()) << sipp.log();
    EXPECT_EQ(*verdict, DigestVerdict::kOk) << to_string(*verdict);
    EXPECT_EQ(sipp.wait_exit(), 0) << sipp.log();
  }
}

}  // namespace
}  // namespace tandem::sip
