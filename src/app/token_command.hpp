// `tandem token --config F --sub 1001 --ttl 1h [--allow 600,601] [--alg ES256] [--aud X]`:
// mints a token with the configured key (HS256 secret or a private key) and prints it, for
// development and tests. The token goes to standard output only, never to a log.
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>
#include <vector>

#include "gateway/token_verifier.hpp"

namespace tandem::app {

struct TokenOptions {
  std::string config;
  std::string sub;
  std::string ttl = "1h";
  std::vector<std::string> allow;
  bool has_allow = false;
  std::string alg;  // empty: HS256 if a secret is configured, else the first private key
  std::string aud;  // empty: auth.audience
};

CLI::App* add_token_subcommand(CLI::App& app, TokenOptions& options);
int run_token(const TokenOptions& options, gateway::WallTime now, std::ostream& out,
              std::ostream& err);

// `tandem verify-token --config F [TOKEN]` (TOKEN or standard input): prints "valid sub=..
// alg=.. expires=.. allow=.." (exit 0) or "invalid <reason code>: <detail>" (exit 1), as the
// gateway would judge it now. The token itself is never printed.
struct VerifyTokenOptions {
  std::string config;
  std::string token;  // empty: read one line from standard input
};

CLI::App* add_verify_token_subcommand(CLI::App& app, VerifyTokenOptions& options);
int run_verify_token(const VerifyTokenOptions& options, std::istream& in, gateway::WallTime now,
                     std::ostream& out, std::ostream& err);

}  // namespace tandem::app
