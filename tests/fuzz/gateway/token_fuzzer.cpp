// Fuzzes the token path a browser controls: the request target / Authorization split, JWT
// segment and base64url decoding, header and claim JSON, and the signature check. Input byte 0
// picks a mode: even - the rest is a whole request ("target\nauthorization") verified as is;
// odd - the rest is "header.payload", signed here with the HS256 secret first, so the fuzzer
// also reaches the claim checks behind a valid signature.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/base64.hpp"
#include "gateway/jws.hpp"
#include "gateway/request_auth.hpp"

namespace {

using namespace tandem::gateway;

const JwtKey& secret_key() {
  static const JwtKey key = JwtKey::hmac_secret("tandem-fuzz-secret-0123456789abcdef").value();
  return key;
}

const TokenVerifier& verifier() {
  static const TokenVerifier v = [] {
    TokenVerifierConfig config;
    config.keys = {secret_key()};
    config.audience = "tandem";
    return TokenVerifier::create(config).value();
  }();
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const WallTime now = WallTime(std::chrono::seconds(1'700'000'000));
  if ((data[0] & 1) == 0) {
    const size_t nl = rest.find('\n');
    const std::string_view target = rest.substr(0, nl);
    const std::string_view authorization =
        nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    const RequestAuth auth = authenticate_request(verifier(), target, authorization, now);
    if (auth.result.ok() != (auth.http_status == 200)) __builtin_trap();
    return 0;
  }
  auto signature = jws_sign(secret_key(), rest);
  if (!signature) __builtin_trap();
  const std::string token = std::string(rest) + "." + base64url_encode(*signature);
  const TokenResult r = verifier().verify(token, now);
  if (r.ok() && r.identity().subject.empty()) __builtin_trap();
  return 0;
}
