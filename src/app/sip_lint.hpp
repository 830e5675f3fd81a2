// `tandem sip-lint`: parse one SIP message and print it normalized as JSON, or the parse error.
#pragma once

#include <iosfwd>
#include <string_view>

namespace tandem::app {

// Returns the process exit code: 0 when the message parses, 1 when it does not (the error goes
// to `err` as "error: line L, column C: reason"), 2 when the input cannot be read.
int run_sip_lint(std::string_view path, std::ostream& out, std::ostream& err);

}  // namespace tandem::app
