#include "app/resolve_command.hpp"

#include <boost/asio/io_context.hpp>
#include <optional>
#include <ostream>

#include "sip/dns_resolver.hpp"
#include "sip/target_resolver.hpp"
#include "sip/uri.hpp"

namespace tandem::app {

CLI::App* add_resolve_subcommand(CLI::App& app, ResolveOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "resolve",
      "Print the targets (transport, address, port) a sip: or sips: URI resolves to per RFC 3263, "
      "in the order they are tried (exit 0), or 'error: ...' (exit 1)");
  cmd->add_option("uri", options.uri, "e.g. sip:example.com or sips:pbx.example.com;transport=tcp")
      ->required();
  cmd->add_option("--dns", options.dns, "name server IP or IP:PORT (repeatable); default: system")
      ->allow_extra_args(false);  // one per --dns: the URI after it is not a server
  cmd->add_option("--timeout", options.timeout_ms, "per-try DNS timeout in milliseconds")
      ->capture_default_str();
  auto* v4 = cmd->add_flag("--ipv4-only", options.ipv4_only, "ask for A records only");
  cmd->add_flag("--ipv6-only", options.ipv6_only, "ask for AAAA records only")->excludes(v4);
  return cmd;
}

int run_resolve(const ResolveOptions& options, std::ostream& out, std::ostream& err) {
  auto uri = sip::parse_uri(options.uri);
  if (!uri) {
    err << "error: bad URI: " << uri.error().describe() << "\n";
    return 1;
  }
  sip::DnsOptions dns_options;
  dns_options.timeout = Duration(options.timeout_ms);
  for (const std::string& s : options.dns) {
    auto server = sip::parse_name_server(s);
    if (!server) {
      err << "error: " << server.error().reason << "\n";
      return 1;
    }
    dns_options.servers.push_back(*server);
  }
  boost::asio::io_context io;
  auto dns = sip::DnsResolver::create(io, dns_options);
  if (!dns) {
    err << "error: " << dns.error().reason << "\n";
    return 1;
  }
  sip::TargetOptions target_options;
  target_options.ipv4 = !options.ipv6_only;
  target_options.ipv6 = !options.ipv4_only;
  sip::TargetResolver resolver(io, **dns, target_options);
  std::optional<Result<std::vector<sip::Target>>> targets;
  resolver.resolve(*uri,
                   [&](Result<std::vector<sip::Target>> r) { targets.emplace(std::move(r)); });
  while (!targets && io.run_one() > 0) {
  }
  if (!targets || !*targets) {
    err << "error: " << (targets ? targets->error().reason : "no answer") << "\n";
    return 1;
  }
  out << options.uri << ": " << (*targets)->size() << " target"
      << ((*targets)->size() == 1 ? "" : "s") << ", in the order they are tried:\n";
  for (size_t i = 0; i < (*targets)->size(); ++i) {
    out << "  " << (i + 1) << ". " << (**targets)[i].to_string() << "\n";
  }
  return 0;
}

}  // namespace tandem::app
