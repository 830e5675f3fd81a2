// `tandem resolve` without a name server: numeric URIs need no DNS, bad input is a clear error.
// Resolution through a real name server is covered by tests/interop/dns/.
#include "app/resolve_command.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace tandem::app {
namespace {

struct Run {
  int status;
  std::string out;
  std::string err;
};

Run run(const ResolveOptions& options) {
  std::ostringstream out, err;
  const int status = run_resolve(options, out, err);
  return {status, out.str(), err.str()};
}

TEST(ResolveCommand, NumericUriPrintsItsOneTarget) {
  ResolveOptions o;
  o.uri = "sips:[2001:db8::1];transport=tcp";
  o.dns = {"127.0.0.1:1"};  // never asked: a numeric host needs no DNS
  auto r = run(o);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "sips:[2001:db8::1];transport=tcp: 1 target, in the order they are tried:\n"
            "  1. TLS [2001:db8::1]:5061\n");
}

TEST(ResolveCommand, BadInputIsAClearError) {
  ResolveOptions o;
  o.uri = "sip:";
  auto r = run(o);
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.err.starts_with("error: bad URI")) << r.err;
  o.uri = "sip:example.com";
  o.dns = {"not-an-ip"};
  r = run(o);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "error: bad name server \"not-an-ip\": not an IP address\n");
  o.uri = "tel:+15551234";
  o.dns = {"127.0.0.1"};
  r = run(o);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("only sip: and sips:"), std::string::npos) << r.err;
}

TEST(ResolveCommand, CommandLine) {
  CLI::App app;
  ResolveOptions options;
  CLI::App* cmd = add_resolve_subcommand(app, options);
  app.parse("resolve --ipv4-only --dns 127.0.0.1:5353 --dns ::1 sip:example.com", false);
  EXPECT_TRUE(cmd->parsed());
  EXPECT_EQ(options.uri, "sip:example.com");
  EXPECT_EQ(options.dns, (std::vector<std::string>{"127.0.0.1:5353", "::1"}));
  EXPECT_TRUE(options.ipv4_only);
}

}  // namespace
}  // namespace tandem::app
