// SIP Digest authentication (RFC 3261 §22, RFC 2617, RFC 7616): response computation, the
// client that answers 401/407 challenges, and the server that issues stateless nonces and
// verifies credentials.
//
// Hashes are OpenSSL EVP digests, printed as lower-case hex. Nothing here puts a password, an HA1
// or a response into an error string.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "sip/auth_header.hpp"
#include "sip/header_names.hpp"
#include "sip/message.hpp"

namespace tandem::sip {

// ---- Algorithms and the response computation (RFC 7616 §3.4) ----

enum class DigestAlgorithm : uint8_t {
  kMd5,
  kMd5Sess,
  kSha256,
  kSha256Sess,
  kSha512_256,
  kSha512_256Sess,
};

// Case-insensitive; an empty name is MD5 (RFC 7616 §3.3). Empty result when unsupported.
std::optional<DigestAlgorithm> parse_digest_algorithm(std::string_view name);
// "MD5", "SHA-256-sess", ...
std::string_view algorithm_name(DigestAlgorithm algorithm);
// Higher is stronger: MD5 1, SHA-256 2, SHA-512-256 3 (a -sess variant ranks with its hash).
int algorithm_strength(DigestAlgorithm algorithm);
bool is_session_algorithm(DigestAlgorithm algorithm);

// H(data) as lower-case hex.
std::string digest_hash(DigestAlgorithm algorithm, std::string_view data);
// H(username:realm:password): the HA1 a credential store may keep instead of the password.
std::string digest_ha1(DigestAlgorithm algorithm, std::string_view username, std::string_view realm,
                       std::string_view password);

// Everything the response depends on besides the secret.
struct DigestParams {
  DigestAlgorithm algorithm = DigestAlgorithm::kMd5;
  std::string_view nonce;
  std::string_view cnonce;  // required with qop and with -sess algorithms
  std::string_view nc;      // 8 hex digits, with qop
  std::string_view qop;     // "auth", "auth-int", or empty for RFC 2069
  std::string_view method;
  std::string_view uri;
  std::string_view body;  // hashed into A2 for auth-int only
};

// The request-digest from H(username:realm:password) (hex, as from digest_ha1). Errors when qop
// is neither empty, "auth" nor "auth-int", or cnonce is missing where required.
Result<std::string> digest_response(std::string_view ha1, const DigestParams& params);

// A fresh client nonce: 16 random bytes (OpenSSL RAND) as hex.
std::string make_cnonce();

// ---- Client ----

// Credentials answering `challenge`. qop=auth is chosen when offered, else auth-int (hashing
// `body`), else none (RFC 2069) when the challenge lists no qop. A new cnonce is generated when
// `cnonce` is empty. userhash is honoured (RFC 7616 §3.4.4).
Result<DigestCredentials> answer_challenge(const DigestChallenge& challenge,
                                           std::string_view method, std::string_view digest_uri,
                                           std::string_view username, std::string_view password,
                                           uint32_t nonce_count, std::string_view cnonce = {},
                                           std::string_view body = {});

// The strongest supported Digest challenge among `challenges` (first wins among equals, so the
// server's order breaks ties); null when none is supported.
const DigestChallenge* strongest_challenge(const std::vector<DigestChallenge>& challenges);

// A header field to add to the retried request.
struct AuthorizationField {
  HeaderId id = HeaderId::kAuthorization;  // or kProxyAuthorization
  std::string value;
};

// Remembers, per realm, the last challenge and the nonce count, so that later requests can carry
// credentials up front and a stale nonce is replaced without asking the user again.
// One identity for every realm. Not thread-safe.
class DigestClient {
 public:
  DigestClient(std::string username, std::string password);

  // Stores `challenge` for its realm (`field` is where the credentials go: Authorization or
  // Proxy-Authorization). A new nonce restarts the nonce count at 1.
  void remember(const DigestChallenge& challenge, HeaderId field);
  // Credentials for the next request to `realm` with the remembered challenge, nc incremented.
  Result<DigestCredentials> credentials(std::string_view realm, std::string_view method,
                                        std::string_view digest_uri, std::string_view body = {});
  // The fields answering a 401/407 `response` to `request`: one per challenging realm, for the
  // strongest algorithm offered. Errors when nothing usable is offered, or when a realm
  // challenges again without stale=true after `request` already carried our credentials for it
  // (RFC 3261 §22.2: the credentials were rejected; retrying would loop).
  Result<std::vector<AuthorizationField>> answer(const Message& response, const Message& request);
  // Fields for every remembered realm, for a new request sent with credentials up front.
  std::vector<AuthorizationField> authorize(const Message& request);

  bool knows(std::string_view realm) const { return realms_.count(std::string(realm)) != 0; }
  std::vector<std::string> realms() const;
  void forget(std::string_view realm) { realms_.erase(std::string(realm)); }

 private:
  struct RealmState {
    DigestChallenge challenge;
    HeaderId field = HeaderId::kAuthorization;
    uint32_t nonce_count = 0;  // last one sent
  };

  std::string username_;
  std::string password_;
  std::map<std::string, RealmState, std::less<>> realms_;
};

// ---- Server ----

enum class DigestVerdict : uint8_t {
  kOk,
  kStale,          // valid response for our nonce, but the nonce expired: re-challenge stale=true
  kBadNonce,       // not a nonce of ours (forged, other realm or secret, malformed)
  kBadResponse,    // wrong password, or tampered fields
  kUnknownUser,    // answer like kBadResponse so usernames cannot be probed
  kRealmMismatch,  // credentials for another realm
  kUriMismatch,    // digest-uri differs from the Request-URI given to verify()
  kReplay,         // nonce count not above the highest already accepted for this nonce
  kMalformed,      // unsupported algorithm or qop, bad nc: answer 400
};
std::string_view to_string(DigestVerdict verdict);

// What a credential store holds for a user: the password, or the HA1 for the asked algorithm.
struct DigestSecret {
  enum class Kind : uint8_t { kPassword, kHa1 };
  Kind kind = Kind::kPassword;
  std::string value;

  static DigestSecret password(std::string value) { return {Kind::kPassword, std::move(value)}; }
  static DigestSecret ha1(std::string hex) { return {Kind::kHa1, std::move(hex)}; }
};
using DigestLookup = std::function<std::optional<DigestSecret>(
    std::string_view username, std::string_view realm, DigestAlgorithm algorithm)>;

struct DigestServerConfig {
  std::string realm;
  // Key for the nonce MAC. Every instance sharing it (and the time base of `now`) accepts the
  // others' nonces: no shared state is needed to scale out.
  std::string secret;
  std::chrono::seconds nonce_lifetime{300};
  // Offered in this order (RFC 7616 §3.7: most preferred first).
  std::vector<DigestAlgorithm> algorithms{DigestAlgorithm::kSha256, DigestAlgorithm::kMd5};
  bool offer_auth_int = false;
  // Accept RFC 2069 responses (no qop, hence no nonce count and no replay protection).
  bool allow_no_qop = false;
  size_t max_tracked_nonces = 100000;  // bounds the replay table
};

// Optional request details verify() can check.
struct DigestRequestInfo {
  std::string_view uri;   // when set, credentials.uri must equal it
  std::string_view body;  // for qop=auth-int
};

// Issues and verifies nonces of the form hex(timestamp | salt | HMAC-SHA256(secret, timestamp |
// salt | realm)[0..16)). Replay protection keeps the highest nc seen per live nonce.
// Not thread-safe: use one per signaling thread (nonces stay valid across them).
class DigestServer {
 public:
  explicit DigestServer(DigestServerConfig config);

  const DigestServerConfig& config() const { return config_; }
  std::string make_nonce(TimePoint now) const;
  // One challenge with a fresh nonce, for `algorithm` (default: the first configured).
  DigestChallenge challenge(TimePoint now, bool stale = false,
                            std::optional<DigestAlgorithm> algorithm = std::nullopt) const;
  // One challenge per configured algorithm, in preference order, sharing one nonce.
  std::vector<DigestChallenge> challenges(TimePoint now, bool stale = false) const;
  // Adds the challenges to a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) response.
  void add_challenges(Message& response, TimePoint now, bool stale = false) const;
  // The Digest credentials for our realm in `request`'s `field` (Authorization or
  // Proxy-Authorization), if any parse.
  std::optional<DigestCredentials> find_credentials(const Message& request, HeaderId field) const;

  DigestVerdict verify(const DigestCredentials& credentials, std::string_view method,
                       const DigestLookup& lookup, TimePoint now,
                       const DigestRequestInfo& info = {});

  size_t tracked_nonces() const { return seen_.size(); }

 private:
  enum class NonceState : uint8_t { kFresh, kExpired, kInvalid };
  NonceState check_nonce(std::string_view nonce, TimePoint now, int64_t& issued_ms) const;
  DigestVerdict check_request(const DigestCredentials& c, DigestAlgorithm algorithm,
                              const DigestRequestInfo& info) const;
  DigestVerdict check_nonce_count(const DigestCredentials& c, int64_t issued_ms, TimePoint now);
  void evict(TimePoint now);

  DigestServerConfig config_;
  // (issue time in ms, nonce) -> highest nc accepted; ordered oldest first for eviction.
  std::map<std::pair<int64_t, std::string>, uint32_t> seen_;
  // Nonces issued at or before this were dropped from `seen_` while still live; they are
  // answered kStale so a dropped entry can never reopen a replay.
  int64_t forgotten_until_ms_ = INT64_MIN;
};

}  // namespace tandem::sip
