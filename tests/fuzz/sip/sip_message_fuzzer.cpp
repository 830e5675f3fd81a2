// libFuzzer target for the SIP message parser. Invariants: every typed accessor copes with
// whatever got through the parser, and serialize∘parse is idempotent: the serializer's output
// parses again with stream framing and serializes to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sip/message_parser.hpp"
#include "sip/serializer.hpp"

namespace {

using namespace tandem::sip;

void check(bool ok, const char* what, std::string_view text) {
  if (ok) return;
  std::fprintf(stderr, "invariant broken: %s\n--- text ---\n%.*s\n--- end ---\n", what,
               static_cast<int>(text.size()), text.data());
  std::abort();
}

// A value the accessors produced must print to text its own parser accepts again.
void check_name_addr(const NameAddr& na) {
  const std::string text = na.to_string();
  check(parse_name_addr(text).ok(), "NameAddr::to_string() does not parse again", text);
  (void)na.tag();
  (void)contact_expires(na);
  (void)contact_q(na);
  (void)contact_instance(na);
  (void)contact_reg_id(na);
  (void)na.uri.transport();
}

void check_via(const Via& via) {
  const std::string text = via.to_string();
  check(parse_via(text).ok(), "Via::to_string() does not parse again", text);
  (void)via.branch();
  (void)via.has_rfc3261_branch();
  (void)via.received();
  (void)via.maddr();
  (void)via.has_rport();
  (void)via.rport();
}

template <typename T, typename Fn>
void each(const tandem::Result<T>& r, Fn&& fn) {
  if (!r) {
    (void)r.error().describe();
    return;
  }
  for (const auto& item : *r) fn(item);
}

template <typename T, typename Fn>
void one(const tandem::Result<T>& r, Fn&& fn) {
  if (r) {
    fn(*r);
  } else {
    (void)r.error().describe();
  }
}

void exercise_accessors(const Message& m) {
  (void)m.is_request();
  (void)m.method();
  (void)m.request_uri().to_string();
  (void)m.status();
  (void)m.reason();
  (void)default_reason(m.status());
  one(m.top_via(), check_via);
  each(m.vias(), check_via);
  one(m.from(), check_name_addr);
  one(m.to(), check_name_addr);
  one(m.call_id(), [](std::string_view) {});
  one(m.cseq(), [](const CSeq& c) {
    const std::string text = c.to_string();
    check(parse_cseq(text).ok(), "CSeq::to_string() does not parse again", text);
  });
  one(m.max_forwards(), [](uint32_t) {});
  one(m.contacts(), [](const ContactList& list) {
    for (const NameAddr& na : list.contacts) check_name_addr(na);
  });
  each(m.routes(), check_name_addr);
  each(m.record_routes(), check_name_addr);
  each(m.paths(), check_name_addr);
  one(m.refer_to(), check_name_addr);
  one(m.referred_by(), check_name_addr);
  one(m.content_length(), [](uint32_t) {});
  for (size_t id = 0; id < static_cast<size_t>(HeaderId::kCount); ++id) {
    (void)m.values(static_cast<HeaderId>(id));
    (void)m.has(static_cast<HeaderId>(id));
  }
  for (const Header& h : m.headers()) {
    if (h.id == HeaderId::kOther) (void)m.values(h.name);  // known fields: done by id above
    check(m.find(h.name) != nullptr, "find() misses a header the parser stored", h.name);
  }
}

void run(std::string_view data, Framing framing) {
  auto parsed = parse_message(data, {}, framing);
  if (!parsed) {
    (void)parsed.error().describe();
    return;
  }
  exercise_accessors(*parsed);
  const std::string wire = serialize(*parsed);
  // Serializing expands compact names, unfolds continuation lines and adds Content-Length when
  // a datagram had none, so the output may exceed the default limits the input had to respect;
  // those limits guard input, not output, and are not what this invariant is about.
  ParserLimits relaxed;
  relaxed.max_message_size = wire.size();
  relaxed.max_line_length = wire.size();
  relaxed.max_headers = parsed->headers().size() + 1;
  auto again = parse_message(wire, relaxed, Framing::kStream);
  if (!again) {
    const std::string why = "serialized message does not parse again: " + again.error().describe();
    check(false, why.c_str(), wire);
  }
  const std::string wire2 = serialize(*again);
  check(wire2 == wire, "serialize(parse(serialize(m))) differs from serialize(m)", wire2);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  run(text, Framing::kDatagram);
  run(text, Framing::kStream);
  return 0;
}
