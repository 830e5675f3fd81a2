// The gateway's configuration as plain typed values (docs/configuration.md documents every key).
// Filled by config_loader from a TOML file, checked by config_validation; nothing here parses or
// validates, so other code can build a Config directly (tests, defaults).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace tandem::app {

enum class SipTransport { kUdp, kTcp, kTls };
enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kOff };
enum class LogFormat { kText, kJson };
enum class CredentialMode { kStore, kPassthrough };

struct ListenConfig {
  std::string ws;   // "address:port" for SIP over WebSocket and the HTTP API; empty: off
  std::string wss;  // the same over TLS; empty: off
  std::string tls_certificate;  // PEM files for wss
  std::string tls_private_key;
  std::string web_root;  // directory served at "/" on ws/wss (the softphone); empty: none
};

struct SipConfig {
  std::string pbx;  // "sip:pbx.example.com" or "sips:..."
  SipTransport transport = SipTransport::kUdp;
  std::string outbound_proxy;                  // SIP URI, empty: send to the PBX URI's target
  std::string local_address = "0.0.0.0:5060";  // our SIP listener toward the PBX
  std::string domain;                          // AOR domain; empty: the PBX URI's host
  std::string tls_ca_file;  // CA bundle for transport "tls"; empty: system default
};

struct MediaConfig {
  std::string public_ip;            // address written in SDP and ICE candidates
  std::string bind_ip = "0.0.0.0";  // where the media sockets bind
  uint16_t browser_port = 40000;    // worker i listens on browser_port + i (UDP) and ICE-TCP
  uint16_t rtp_port_min = 20000;    // SIP-side RTP/RTCP port range, inclusive
  uint16_t rtp_port_max = 29999;
  unsigned workers = 0;  // 0: one per CPU core
  bool ice_tcp = true;   // offer RFC 6544 passive TCP candidates on browser_port
};

struct CodecConfig {
  std::vector<std::string> order = {"opus", "pcmu", "pcma"};  // lower-case names
  bool transcoding = true;
};

struct AuthConfig {
  std::string audience;
  std::chrono::seconds clock_skew{30};
  std::string hs256_secret;       // inline secret, or
  std::string hs256_secret_file;  // a file holding it (trailing newline ignored)
  std::string rs256_public_key;   // PEM file paths
  std::string es256_public_key;
  std::string rs256_private_key;  // only for minting (`tandem token`, demo mode)
  std::string es256_private_key;
};

struct TurnConfig {
  std::vector<std::string> stun;     // "stun:host:port"
  std::vector<std::string> servers;  // "turn:host:port?transport=udp", "turns:host:port"
  std::string secret;                // coturn static-auth-secret
  std::string secret_file;
  std::chrono::seconds credential_ttl{std::chrono::hours(12)};
};

struct PbxCredential {
  std::string user;       // the SIP user (token `sub`)
  std::string auth_user;  // digest username; defaults to user
  std::string password;
  std::string realm;  // empty: answer any realm
};

struct CredentialsConfig {
  CredentialMode mode = CredentialMode::kStore;
  std::vector<PbxCredential> users;  // inline ones and those read from `file`
  std::string file;                  // a TOML file of [[user]] tables
};

struct LoggingConfig {
  LogLevel level = LogLevel::kInfo;
  LogFormat format = LogFormat::kText;
  std::string file;  // empty: standard error
};

struct DemoConfig {
  bool enabled = false;
  std::chrono::seconds token_ttl{std::chrono::hours(1)};
  std::vector<std::string> users;  // subjects the login page may mint for; empty: any
};

struct Config {
  ListenConfig listen;
  SipConfig sip;
  MediaConfig media;
  CodecConfig codecs;
  AuthConfig auth;
  TurnConfig turn;
  CredentialsConfig credentials;
  LoggingConfig logging;
  DemoConfig demo;
};

// "udp", "info", ...: the names the file uses.
const char* to_string(SipTransport t);
const char* to_string(LogLevel l);
const char* to_string(LogFormat f);
const char* to_string(CredentialMode m);

}  // namespace tandem::app
