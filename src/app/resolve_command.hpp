// `tandem resolve URI`: prints the RFC 3263 targets a SIP or SIPS URI resolves to (NAPTR, SRV,
// A/AAAA through c-ares), in the order Tandem would try them. For operators checking a PBX's or
// carrier's DNS before pointing the gateway at it.
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>
#include <vector>

namespace tandem::app {

struct ResolveOptions {
  std::string uri;
  std::vector<std::string> dns;  // name servers as IP or IP:PORT; empty: /etc/resolv.conf
  unsigned timeout_ms = 2000;    // per try
  bool ipv4_only = false;
  bool ipv6_only = false;
};

CLI::App* add_resolve_subcommand(CLI::App& app, ResolveOptions& options);

// Exit status: 0 with the targets printed to `out`; 1 with "error: ..." on `err` (bad URI or
// server, NXDOMAIN, timeout, no usable target).
int run_resolve(const ResolveOptions& options, std::ostream& out, std::ostream& err);

}  // namespace tandem::app
