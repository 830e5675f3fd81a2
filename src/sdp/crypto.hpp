// Typed view of a=crypto (SDES-SRTP, RFC 4568), used toward PBXs that want RTP/SAVP.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace tandem::sdp {

// One key-param: "inline:<base64 key||salt>[|<lifetime>][|<MKI>:<MKI length>]". For a method
// other than "inline" the key-info stays whole in `key_salt`.
struct CryptoKey {
  std::string method = "inline";
  std::string key_salt;                 // base64, not decoded here
  std::optional<std::string> lifetime;  // "2^31" or decimal, as received
  std::optional<uint32_t> mki_value;
  std::optional<uint32_t> mki_length;  // bytes, 1-128

  bool operator==(const CryptoKey&) const = default;
};

// a=crypto:<tag> <crypto-suite> <key-params> [<session-params>]
struct Crypto {
  uint32_t tag = 1;                             // 1-9 digits
  std::string suite;                            // AES_CM_128_HMAC_SHA1_80, AEAD_AES_128_GCM, ...
  std::vector<CryptoKey> keys;                  // key-params separated by ';' (at least one)
  std::vector<std::string> session_parameters;  // "UNENCRYPTED_SRTCP", "KDR=1", "WSH=64", ...

  bool operator==(const Crypto&) const = default;
};

Result<Crypto> parse_crypto(std::string_view value);
std::string to_string(const Crypto& crypto);

}  // namespace tandem::sdp
