// libFuzzer target for the SIP/SIPS/tel URI parser. Invariants: a parsed URI prints to text that
// parses again into an equivalent URI (RFC 3261 §19.1.4), equivalence is reflexive, and printing
// is a fixed point after one round. An input of two lines compares two URIs: equivalence must be
// symmetric and survive printing.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sip/uri.hpp"

namespace {

using namespace tandem::sip;

void check(bool ok, const char* what, std::string_view text) {
  if (ok) return;
  std::fprintf(stderr, "invariant broken: %s\n--- text ---\n%.*s\n--- end ---\n", what,
               static_cast<int>(text.size()), text.data());
  std::abort();
}

// "uri-a\nuri-b": a URI cannot contain a line feed, so this is unambiguous.
void check_pair(std::string_view text) {
  const size_t nl = text.find('\n');
  if (nl == std::string_view::npos) return;
  auto a = parse_uri(text.substr(0, nl));
  auto b = parse_uri(text.substr(nl + 1));
  if (!a || !b) return;
  const bool ab = equivalent(*a, *b);
  check(ab == equivalent(*b, *a), "equivalent() is not symmetric", text);
  auto a2 = parse_uri(a->to_string());
  check(a2 && equivalent(*a2, *b) == ab, "printing the first URI changes its equivalence", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_pair(text);
  if (auto hp = parse_host_port(text); hp) {
    std::string printed = hp->host;
    if (hp->port) printed += ":" + std::to_string(*hp->port);
    auto again = parse_host_port(printed);
    check(again && again->host == hp->host && again->port == hp->port,
          "parse_host_port of the printed host:port differs", printed);
  } else {
    (void)hp.error().describe();
  }

  auto uri = parse_uri(text);
  if (!uri) {
    (void)uri.error().describe();
    return 0;
  }
  check(equivalent(*uri, *uri), "URI is not equivalent to itself", text);
  (void)uri->is_sip();
  (void)uri->transport();
  const std::string printed = uri->to_string();
  auto again = parse_uri(printed);
  check(again.ok(), "to_string() does not parse again", printed);
  check(equivalent(*uri, *again) && equivalent(*again, *uri),
        "to_string() parses to a URI that is not equivalent", printed);
  check(equivalent(*again, *again), "re-parsed URI is not equivalent to itself", printed);
  check(again->to_string() == printed, "to_string() is not a fixed point", printed);
  return 0;
}
