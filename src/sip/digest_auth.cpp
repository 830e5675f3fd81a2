#include "sip/digest_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <initializer_list>
#include <span>

#include "common/text.hpp"

namespace tandem::sip {
namespace {

struct AlgorithmInfo {
  DigestAlgorithm algorithm;
  std::string_view name;
  int strength;
  bool session;
};

constexpr AlgorithmInfo kAlgorithms[] = {
    {DigestAlgorithm::kMd5, "MD5", 1, false},
    {DigestAlgorithm::kMd5Sess, "MD5-sess", 1, true},
    {DigestAlgorithm::kSha256, "SHA-256", 2, false},
    {DigestAlgorithm::kSha256Sess, "SHA-256-sess", 2, true},
    {DigestAlgorithm::kSha512_256, "SHA-512-256", 3, false},
    {DigestAlgorithm::kSha512_256Sess, "SHA-512-256-sess", 3, true},
};

const AlgorithmInfo& info_of(DigestAlgorithm algorithm) {
  return kAlgorithms[static_cast<size_t>(algorithm)];
}

const EVP_MD* evp_of(DigestAlgorithm algorithm) {
  switch (info_of(algorithm).strength) {
    case 1:
      return EVP_md5();
    case 2:
      return EVP_sha256();
    default:
      return EVP_sha512_256();
  }
}

std::string to_hex(const unsigned char* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '\0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0x0f];
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes exactly out.size() bytes from 2*out.size() hex digits.
bool from_hex(std::string_view hex, std::span<unsigned char> out) {
  if (hex.size() != out.size() * 2) return false;
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return true;
}

std::optional<uint32_t> parse_nonce_count(std::string_view nc) {
  if (nc.size() != 8) return std::nullopt;
  uint32_t value = 0;
  for (char c : nc) {
    const int digit = hex_value(c);
    if (digit < 0) return std::nullopt;
    value = value << 4 | static_cast<uint32_t>(digit);
  }
  return value;
}

std::string format_nonce_count(uint32_t nc) {
  char buffer[9];
  std::snprintf(buffer, sizeof buffer, "%08x", nc);
  return buffer;
}

// Concatenates the parts with ':' between them, as every Digest hash input does.
std::string join_colon(std::initializer_list<std::string_view> parts) {
  std::string out;
  bool first = true;
  for (std::string_view part : parts) {
    if (!first) out.push_back(':');
    out.append(part);
    first = false;
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

int64_t to_ms(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

// ---- Algorithms ----

std::optional<DigestAlgorithm> parse_digest_algorithm(std::string_view name) {
  if (name.empty()) return DigestAlgorithm::kMd5;  // RFC 7616 §3.3: absent means MD5
  for (const AlgorithmInfo& info : kAlgorithms) {
    if (iequals(name, info.name)) return info.algorithm;
  }
  return std::nullopt;
}

std::string_view algorithm_name(DigestAlgorithm algorithm) { return info_of(algorithm).name; }
int algorithm_strength(DigestAlgorithm algorithm) { return info_of(algorithm).strength; }
bool is_session_algorithm(DigestAlgorithm algorithm) { return info_of(algorithm).session; }

std::string digest_hash(DigestAlgorithm algorithm, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), md.data(), &size, evp_of(algorithm), nullptr) != 1) {
    return {};  // only on allocation failure; an empty hash then matches nothing
  }
  return to_hex(md.data(), size);
}

std::string digest_ha1(DigestAlgorithm algorithm, std::string_view username, std::string_view realm,
                       std::string_view password) {
  return digest_hash(algorithm, join_colon({username, realm, password}));
}

Result<std::string> digest_response(std::string_view ha1, const DigestParams& p) {
  const bool with_qop = !p.qop.empty();
  const bool auth_int = iequals(p.qop, "auth-int");
  if (with_qop && !auth_int && !iequals(p.qop, "auth")) {
    return Error{"unsupported Digest qop"};
  }
  const bool session = is_session_algorithm(p.algorithm);
  if ((with_qop || session) && p.cnonce.empty()) return Error{"Digest cnonce is required"};
  const DigestAlgorithm a = p.algorithm;
  // RFC 7616 §3.4.2: for -sess, A1 = H(user:realm:password):nonce:cnonce.
  const std::string key =
      session ? digest_hash(a, join_colon({ha1, p.nonce, p.cnonce})) : std::string(ha1);
  // §3.4.3: A2 = method:uri, plus :H(body) for auth-int.
  const std::string ha2 =
      auth_int ? digest_hash(a, join_colon({p.method, p.uri, digest_hash(a, p.body)}))
               : digest_hash(a, join_colon({p.method, p.uri}));
  if (!with_qop) return digest_hash(a, join_colon({key, p.nonce, ha2}));  // RFC 2069
  return digest_hash(a, join_colon({key, p.nonce, p.nc, p.cnonce, p.qop, ha2}));
}

std::string make_cnonce() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return {};
  return to_hex(bytes.data(), bytes.size());
}

// ---- Client ----

namespace {

// RFC 3261 §22.4 / RFC 7616 §3.4: prefer auth (works through proxies that rewrite bodies).
Result<std::string> choose_qop(const std::vector<std::string>& offered) {
  if (offered.empty()) return std::string();
  for (const char* wanted : {"auth", "auth-int"}) {
    for (const std::string& qop : offered) {
      if (iequals(qop, wanted)) return std::string(wanted);
    }
  }
  return Error{"no supported qop offered in Digest challenge"};
}

}  // namespace

Result<DigestCredentials> answer_challenge(const DigestChallenge& challenge,
                                           std::string_view method, std::string_view digest_uri,
                                           std::string_view username, std::string_view password,
                                           uint32_t nonce_count, std::string_view cnonce,
                                           std::string_view body) {
  const auto algorithm = parse_digest_algorithm(challenge.algorithm);
  if (!algorithm) return Error{"unsupported Digest algorithm"};
  auto qop = choose_qop(challenge.qop);
  if (!qop) return qop.error();
  const bool needs_cnonce = !qop->empty() || is_session_algorithm(*algorithm);
  if (!qop->empty() && nonce_count == 0) return Error{"Digest nonce count starts at 1"};

  DigestCredentials c;
  c.realm = challenge.realm;
  c.nonce = challenge.nonce;
  c.uri = std::string(digest_uri);
  c.algorithm = challenge.algorithm;
  c.opaque = challenge.opaque;
  c.qop = *qop;
  if (!qop->empty()) c.nc = format_nonce_count(nonce_count);
  if (needs_cnonce) c.cnonce = cnonce.empty() ? make_cnonce() : std::string(cnonce);
  if (needs_cnonce && c.cnonce.empty()) return Error{"could not generate a Digest cnonce"};
  // RFC 7616 §3.4.4: with userhash the username is sent as H(username:realm).
  c.userhash = challenge.userhash;
  c.username = challenge.userhash ? digest_hash(*algorithm, join_colon({username, c.realm}))
                                  : std::string(username);

  const std::string ha1 = digest_ha1(*algorithm, username, c.realm, password);
  auto response =
      digest_response(ha1, {*algorithm, c.nonce, c.cnonce, c.nc, c.qop, method, digest_uri, body});
  if (!response) return response.error();
  c.response = std::move(*response);
  return c;
}

const DigestChallenge* strongest_challenge(const std::vector<DigestChallenge>& challenges) {
  const DigestChallenge* best = nullptr;
  int best_strength = 0;
  for (const DigestChallenge& c : challenges) {
    const auto algorithm = parse_digest_algorithm(c.algorithm);
    if (!algorithm || !choose_qop(c.qop)) continue;
    if (algorithm_strength(*algorithm) > best_strength) {
      best = &c;
      best_strength = algorithm_strength(*algorithm);
    }
  }
  return best;
}

DigestClient::DigestClient(std::string username, std::string password)
    : username_(std::move(username)), password_(std::move(password)) {}

void DigestClient::remember(const DigestChallenge& challenge, HeaderId field) {
  RealmState& state = realms_[challenge.realm];
  // The nonce count is per nonce (RFC 7616 §3.4): a new nonce starts again at 1.
  if (state.challenge.nonce != challenge.nonce) state.nonce_count = 0;
  state.challenge = challenge;
  state.challenge.stale = false;
  state.field = field;
}

std::vector<std::string> DigestClient::realms() const {
  std::vector<std::string> names;
  names.reserve(realms_.size());
  for (const auto& [realm, state] : realms_) names.push_back(realm);
  return names;
}

Result<DigestCredentials> DigestClient::credentials(std::string_view realm, std::string_view method,
                                                    std::string_view digest_uri,
                                                    std::string_view body) {
  const auto it = realms_.find(realm);
  if (it == realms_.end()) return Error{"no Digest challenge known for that realm"};
  RealmState& state = it->second;
  return answer_challenge(state.challenge, method, digest_uri, username_, password_,
                          ++state.nonce_count, {}, body);
}

namespace {

struct FieldPair {
  HeaderId challenge;
  HeaderId credentials;
};
constexpr FieldPair kFieldPairs[] = {
    {HeaderId::kWwwAuthenticate, HeaderId::kAuthorization},
    {HeaderId::kProxyAuthenticate, HeaderId::kProxyAuthorization},
};

// Digest challenges of one field grouped by realm, in order; unparsable ones are skipped since
// other challenges may still be usable.
std::map<std::string, std::vector<DigestChallenge>> challenges_by_realm(const Message& response,
                                                                        HeaderId field) {
  std::map<std::string, std::vector<DigestChallenge>> out;
  for (const Header& h : response.headers()) {
    if (h.id != field) continue;
    auto header = parse_auth_header(h.value);
    if (!header) continue;
    auto challenge = digest_challenge(*header);
    if (challenge) out[challenge->realm].push_back(std::move(*challenge));
  }
  return out;
}

bool request_has_credentials_for(const Message& request, HeaderId field, std::string_view realm) {
  for (const Header& h : request.headers()) {
    if (h.id != field) continue;
    auto header = parse_auth_header(h.value);
    if (!header) continue;
    auto credentials = digest_credentials(*header);
    if (credentials && credentials->realm == realm) return true;
  }
  return false;
}

}  // namespace

Result<std::vector<AuthorizationField>> DigestClient::answer(const Message& response,
                                                             const Message& request) {
  std::vector<AuthorizationField> out;
  const std::string uri = request.request_uri().to_string();
  for (const FieldPair& pair : kFieldPairs) {
    for (const auto& [realm, offered] : challenges_by_realm(response, pair.challenge)) {
      const DigestChallenge* chosen = strongest_challenge(offered);
      if (chosen == nullptr) continue;
      // RFC 3261 §22.2: a fresh (non-stale) challenge to credentials we sent means rejection.
      if (!chosen->stale && request_has_credentials_for(request, pair.credentials, realm)) {
        return Error{"Digest credentials rejected for realm \"" + realm + "\""};
      }
      remember(*chosen, pair.credentials);
      auto c = credentials(realm, request.method(), uri, request.body());
      if (!c) return c.error();
      out.push_back({pair.credentials, to_auth_header(*c).to_string()});
    }
  }
  if (out.empty()) return Error{"no supported Digest challenge in the response"};
  return out;
}

std::vector<AuthorizationField> DigestClient::authorize(const Message& request) {
  std::vector<AuthorizationField> out;
  const std::string uri = request.request_uri().to_string();
  for (auto& [realm, state] : realms_) {
    auto c = credentials(realm, request.method(), uri, request.body());
    if (c) out.push_back({state.field, to_auth_header(*c).to_string()});
  }
  return out;
}

// ---- Server ----

std::string_view to_string(DigestVerdict verdict) {
  switch (verdict) {
    case DigestVerdict::kOk:
      return "ok";
    case DigestVerdict::kStale:
      return "stale nonce";
    case DigestVerdict::kBadNonce:
      return "bad nonce";
    case DigestVerdict::kBadResponse:
      return "bad response";
    case DigestVerdict::kUnknownUser:
      return "unknown user";
    case DigestVerdict::kRealmMismatch:
      return "realm mismatch";
    case DigestVerdict::kUriMismatch:
      return "uri mismatch";
    case DigestVerdict::kReplay:
      return "replayed nonce count";
    case DigestVerdict::kMalformed:
      return "malformed credentials";
  }
  return "?";
}

namespace {

constexpr size_t kStampSize = 8;
constexpr size_t kSaltSize = 8;  // keeps nonces unique within a millisecond (nc is per nonce)
constexpr size_t kMacSize = 16;  // truncated HMAC-SHA256: 128 bits
constexpr size_t kNonceSize = kStampSize + kSaltSize + kMacSize;
// Instances sharing the secret may issue nonces slightly "ahead" of each other.
constexpr int64_t kFutureToleranceMs = 5000;

using NonceBytes = std::array<unsigned char, kNonceSize>;

void nonce_mac(const std::string& secret, const std::string& realm, const NonceBytes& nonce,
               unsigned char* out) {
  std::string data(reinterpret_cast<const char*>(nonce.data()), kStampSize + kSaltSize);
  data += realm;
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &size);
  std::copy_n(mac.begin(), kMacSize, out);
}

}  // namespace

DigestServer::DigestServer(DigestServerConfig config) : config_(std::move(config)) {
  if (config_.algorithms.empty()) config_.algorithms.push_back(DigestAlgorithm::kMd5);
  if (config_.max_tracked_nonces == 0) config_.max_tracked_nonces = 1;
}

std::string DigestServer::make_nonce(TimePoint now) const {
  NonceBytes nonce{};
  const auto stamp = static_cast<uint64_t>(to_ms(now));
  for (size_t i = 0; i < kStampSize; ++i) {
    nonce[i] = static_cast<unsigned char>(stamp >> (8 * (kStampSize - 1 - i)));
  }
  if (RAND_bytes(nonce.data() + kStampSize, kSaltSize) != 1) {
    // The MAC alone still authenticates the nonce; only uniqueness within a millisecond suffers.
    std::fill_n(nonce.begin() + kStampSize, kSaltSize, 0);
  }
  nonce_mac(config_.secret, config_.realm, nonce, nonce.data() + kStampSize + kSaltSize);
  return to_hex(nonce.data(), nonce.size());
}

DigestServer::NonceState DigestServer::check_nonce(std::string_view text, TimePoint now,
                                                   int64_t& issued_ms) const {
  NonceBytes nonce{};
  if (!from_hex(text, nonce)) return NonceState::kInvalid;
  std::array<unsigned char, kMacSize> expected{};
  nonce_mac(config_.secret, config_.realm, nonce, expected.data());
  if (CRYPTO_memcmp(expected.data(), nonce.data() + kStampSize + kSaltSize, kMacSize) != 0) {
    return NonceState::kInvalid;
  }
  uint64_t stamp = 0;
  for (size_t i = 0; i < kStampSize; ++i) stamp = stamp << 8 | nonce[i];
  issued_ms = static_cast<int64_t>(stamp);
  const int64_t now_ms = to_ms(now);
  if (issued_ms > now_ms + kFutureToleranceMs) return NonceState::kInvalid;
  const int64_t lifetime_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.nonce_lifetime).count();
  return now_ms - issued_ms > lifetime_ms ? NonceState::kExpired : NonceState::kFresh;
}

DigestChallenge DigestServer::challenge(TimePoint now, bool stale,
                                        std::optional<DigestAlgorithm> algorithm) const {
  DigestChallenge c;
  c.realm = config_.realm;
  c.nonce = make_nonce(now);
  c.algorithm = std::string(algorithm_name(algorithm.value_or(config_.algorithms.front())));
  c.qop = {"auth"};
  if (config_.offer_auth_int) c.qop.push_back("auth-int");
  c.stale = stale;
  return c;
}

std::vector<DigestChallenge> DigestServer::challenges(TimePoint now, bool stale) const {
  std::vector<DigestChallenge> out(config_.algorithms.size(), challenge(now, stale));
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].algorithm = std::string(algorithm_name(config_.algorithms[i]));
  }
  return out;
}

void DigestServer::add_challenges(Message& response, TimePoint now, bool stale) const {
  const HeaderId field =
      response.status() == 407 ? HeaderId::kProxyAuthenticate : HeaderId::kWwwAuthenticate;
  for (const DigestChallenge& c : challenges(now, stale)) {
    response.add(field, to_auth_header(c).to_string());
  }
}

std::optional<DigestCredentials> DigestServer::find_credentials(const Message& request,
                                                                HeaderId field) const {
  for (const Header& h : request.headers()) {
    if (h.id != field) continue;
    auto header = parse_auth_header(h.value);
    if (!header) continue;
    auto credentials = digest_credentials(*header);
    if (credentials && credentials->realm == config_.realm) return std::move(*credentials);
  }
  return std::nullopt;
}

DigestVerdict DigestServer::check_request(const DigestCredentials& c, DigestAlgorithm algorithm,
                                          const DigestRequestInfo& info) const {
  const auto& offered = config_.algorithms;
  if (std::find(offered.begin(), offered.end(), algorithm) == offered.end()) {
    return DigestVerdict::kMalformed;  // never offered: no downgrade to an algorithm we refuse
  }
  const bool qop_ok = (c.qop.empty() && config_.allow_no_qop) || c.qop == "auth" ||
                      (c.qop == "auth-int" && config_.offer_auth_int);
  if (!qop_ok) return DigestVerdict::kMalformed;
  if (!c.qop.empty() && !parse_nonce_count(c.nc)) return DigestVerdict::kMalformed;
  if (!info.uri.empty() && c.uri != info.uri) return DigestVerdict::kUriMismatch;
  return DigestVerdict::kOk;
}

DigestVerdict DigestServer::verify(const DigestCredentials& c, std::string_view method,
                                   const DigestLookup& lookup, TimePoint now,
                                   const DigestRequestInfo& info) {
  if (c.realm != config_.realm) return DigestVerdict::kRealmMismatch;
  const auto algorithm = parse_digest_algorithm(c.algorithm);
  if (!algorithm) return DigestVerdict::kMalformed;
  if (DigestVerdict v = check_request(c, *algorithm, info); v != DigestVerdict::kOk) return v;
  int64_t issued_ms = 0;
  const NonceState nonce = check_nonce(c.nonce, now, issued_ms);
  if (nonce == NonceState::kInvalid) return DigestVerdict::kBadNonce;
  // We never offer userhash, so a hashed username cannot name one of our users.
  if (c.userhash || !lookup) return DigestVerdict::kUnknownUser;
  const std::optional<DigestSecret> secret = lookup(c.username, c.realm, *algorithm);
  // Unknown users cost the same hashing as known ones, so timing does not reveal them.
  const std::string ha1 = !secret ? digest_hash(*algorithm, c.username)
                          : secret->kind == DigestSecret::Kind::kPassword
                              ? digest_ha1(*algorithm, c.username, c.realm, secret->value)
                              : to_lower(secret->value);
  auto expected =
      digest_response(ha1, {*algorithm, c.nonce, c.cnonce, c.nc, c.qop, method, c.uri, info.body});
  if (!expected) return DigestVerdict::kMalformed;
  if (!secret) return DigestVerdict::kUnknownUser;
  if (!constant_time_equal(*expected, to_lower(c.response))) return DigestVerdict::kBadResponse;
  // RFC 7616 §3.3: stale only when the response was right for the expired nonce.
  if (nonce == NonceState::kExpired) return DigestVerdict::kStale;
  return check_nonce_count(c, issued_ms, now);
}

// RFC 7616 §3.4 / RFC 2617 §3.2.2: the nonce count must grow for every reuse of a nonce.
DigestVerdict DigestServer::check_nonce_count(const DigestCredentials& c, int64_t issued_ms,
                                              TimePoint now) {
  if (c.qop.empty()) return DigestVerdict::kOk;  // RFC 2069 has no nonce count
  const uint32_t nc = *parse_nonce_count(c.nc);
  if (nc == 0) return DigestVerdict::kReplay;
  const auto key = std::make_pair(issued_ms, c.nonce);
  const auto it = seen_.find(key);
  if (it != seen_.end()) {
    if (nc <= it->second) return DigestVerdict::kReplay;
    it->second = nc;
    return DigestVerdict::kOk;
  }
  // Its entry may have been dropped while live: refuse it, the client retries with a new nonce.
  if (issued_ms <= forgotten_until_ms_) return DigestVerdict::kStale;
  evict(now);
  seen_.emplace(key, nc);
  return DigestVerdict::kOk;
}

void DigestServer::evict(TimePoint now) {
  const int64_t lifetime_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.nonce_lifetime).count();
  const int64_t oldest_live = to_ms(now) - lifetime_ms;
  while (!seen_.empty() && seen_.begin()->first.first < oldest_live) seen_.erase(seen_.begin());
  while (seen_.size() >= config_.max_tracked_nonces) {
    forgotten_until_ms_ = std::max(forgotten_until_ms_, seen_.begin()->first.first);
    seen_.erase(seen_.begin());
  }
}

}  // namespace tandem::sip
