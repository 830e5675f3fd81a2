// libFuzzer target for the SDP parser. Invariants: whatever parses serializes to text that parses
// again to the same model and serializes identically (the serializer's output is a fixed point);
// every typed attribute that parses rebuilds to text that parses to the same value; every typed
// accessor copes with whatever attribute values got through.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sdp/accessors.hpp"
#include "sdp/codec.hpp"
#include "sdp/parser.hpp"
#include "sdp/serializer.hpp"

namespace {

void check(bool ok, const char* what, const std::string& text) {
  if (ok) return;
  std::fprintf(stderr, "invariant broken: %s\n--- text ---\n%s\n", what, text.c_str());
  std::abort();
}

// A typed value that parses must rebuild to text that parses back to the same value.
template <typename Parse>
void check_typed(std::string_view value, Parse parse) {
  auto first = parse(value);
  if (!first) return;
  const std::string rebuilt(to_string(*first));
  auto second = parse(rebuilt);
  check(second && *second == *first, "typed attribute does not rebuild", rebuilt);
}

void check_typed_attributes(const tandem::sdp::AttributeList& list) {
  using namespace tandem::sdp;
  for (const Attribute& a : list) {
    if (!a.value) continue;
    const std::string_view v = *a.value;
    if (a.name == "rtpmap") check_typed(v, parse_rtpmap);
    if (a.name == "fmtp") check_typed(v, parse_fmtp);
    if (a.name == "rtcp-fb") check_typed(v, parse_rtcp_fb);
    if (a.name == "extmap") check_typed(v, parse_extmap);
    if (a.name == "ssrc") check_typed(v, parse_ssrc);
    if (a.name == "ssrc-group") check_typed(v, parse_ssrc_group);
    if (a.name == "msid") check_typed(v, parse_msid);
    if (a.name == "rtcp") check_typed(v, parse_rtcp);
    if (a.name == "candidate") check_typed(v, parse_candidate);
    if (a.name == "fingerprint") check_typed(v, parse_fingerprint);
    if (a.name == "group") check_typed(v, parse_group);
    if (a.name == "crypto") check_typed(v, parse_crypto);
    if (a.name == "setup") check_typed(v, parse_setup);
  }
}

// Runs every typed view; results are discarded, only crashes and sanitizer reports matter.
void exercise_accessors(const tandem::sdp::SessionDescription& sd) {
  using namespace tandem::sdp;
  (void)bundle_mids(sd);
  check_typed_attributes(sd.attributes);
  for (const MediaDescription& m : sd.media) {
    check_typed_attributes(m.attributes);
    (void)direction(sd, m);
    (void)fingerprint(sd, m);
    (void)setup(sd, m);
    (void)ice_parameters(sd, m);
    (void)candidates(m);
    (void)cryptos(m);
    (void)extmaps(sd, m);
    (void)ssrcs(m);
    (void)ssrc_groups(m);
    (void)msid(m);
    (void)rtcp(m);
    (void)ptime(m);
    (void)sctp_port(m);
    (void)max_message_size(m);
    for (const Codec& c : codecs(m)) {
      if (c.fmtp) (void)parse_fmtp_parameters(*c.fmtp);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = tandem::sdp::parse_sdp(input);
  if (!parsed) {
    (void)parsed.error().describe();
    return 0;
  }
  exercise_accessors(*parsed);
  const std::string first = tandem::sdp::serialize_sdp(*parsed);
  auto reparsed = tandem::sdp::parse_sdp(first);
  check(reparsed.ok(), "serialized output does not parse", first);
  check(*reparsed == *parsed, "re-parse differs from the parsed model", first);
  const std::string second = tandem::sdp::serialize_sdp(*reparsed);
  check(second == first, "re-serialization differs", first);
  return 0;
}
