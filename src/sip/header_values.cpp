#include "sip/header_values.hpp"

#include <limits>

#include "common/text.hpp"
#include "sip/grammar.hpp"

namespace tandem::sip {
namespace {

constexpr uint32_t kMaxDeltaSeconds = std::numeric_limits<uint32_t>::max();
constexpr uint32_t kMaxRSeq = 2147483647;  // 2^31 - 1
constexpr size_t kMaxExcerpt = 32;

Error error_at(const Scanner& s, std::string reason) {
  Error e{std::move(reason)};
  e.column = static_cast<uint32_t>(s.pos() + 1);
  return e;
}

// A short, printable copy of offending input for error reasons (which may end up in logs).
std::string excerpt(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxExcerpt)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u >= 0x7f ? '?' : c);
  }
  if (text.size() > kMaxExcerpt) out += "...";
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view take_while(Scanner& s, bool (*pred)(char)) {
  const std::string_view rest = s.rest();
  size_t n = 0;
  while (n < rest.size() && pred(rest[n])) ++n;
  s.advance(n);
  return rest.substr(0, n);
}

uint32_t clamp_delta(std::string_view digits) {
  uint64_t value = 0;
  for (char c : digits) {
    value = value * 10 + static_cast<uint64_t>(c - '0');
    if (value > kMaxDeltaSeconds) return kMaxDeltaSeconds;
  }
  return static_cast<uint32_t>(value);
}

// delta-seconds for parameter values: all digits, clamped; empty when anything else.
std::optional<uint32_t> delta_value(std::optional<std::string_view> text) {
  if (!text || text->empty()) return std::nullopt;
  for (char c : *text) {
    if (!is_digit(c)) return std::nullopt;
  }
  return clamp_delta(*text);
}

Result<uint32_t> read_delta(Scanner& s) {
  s.skip_ws();
  const std::string_view digits = take_while(s, is_digit);
  if (!digits.empty()) return clamp_delta(digits);
  if (s.at_end()) return error_at(s, "expected delta-seconds, found nothing");
  return error_at(s, "expected delta-seconds (digits), found '" + excerpt(s.rest()) + "'");
}

// 1*DIGIT within [min, max]; `what` names the number in errors.
Result<uint32_t> read_number(Scanner& s, std::string_view what, uint32_t min, uint32_t max) {
  const std::string_view digits = take_while(s, is_digit);
  if (digits.empty()) {
    return error_at(
        s, "expected the " + std::string(what) + " (digits), found '" + excerpt(s.rest()) + "'");
  }
  const auto value = parse_uint(digits, max);
  if (!value || *value < min) {
    return error_at(s, "the " + std::string(what) + " must be between " + std::to_string(min) +
                           " and " + std::to_string(max));
  }
  return static_cast<uint32_t>(*value);
}

Status read_params(Scanner& s, Params& out) {
  Status status = parse_header_params(s, out);
  if (!status) return error_at(s, status.error().reason);
  return Ok{};
}

Status expect_end(Scanner& s, std::string_view after) {
  s.skip_ws();
  if (s.at_end()) return Ok{};
  return error_at(s, "unexpected '" + excerpt(s.rest()) + "' after " + std::string(after));
}

Status require_delta_param(const Params& params, std::string_view name) {
  if (!params.has(name) || delta_value(params.value(name))) return Ok{};
  return Error{"parameter '" + std::string(name) + "' must be delta-seconds"};
}

Status require_token_param(const Params& params, std::string_view name) {
  const auto value = params.value(name);
  if (!params.has(name)) return Error{"missing the required '" + std::string(name) + "' parameter"};
  if (!value || !is_token(*value)) {
    return Error{"parameter '" + std::string(name) + "' must have a token value"};
  }
  return Ok{};
}

bool same_params(const Params& a, const Params& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a.items()[i].name != b.items()[i].name || a.items()[i].value != b.items()[i].value) {
      return false;
    }
  }
  return true;
}

std::string with_params(std::string head, const Params& params) {
  params.append_to(head);
  return head;
}

}  // namespace

Result<uint32_t> parse_delta_seconds(std::string_view value) {
  Scanner s(value);
  auto seconds = read_delta(s);
  if (!seconds) return seconds;
  if (Status end = expect_end(s, "delta-seconds"); !end) return end.error();
  return seconds;
}

Result<std::vector<std::string>> parse_token_list(std::string_view value) {
  std::vector<std::string> tokens;
  std::optional<Error> error;
  for_each_comma_item(value, [&](std::string_view item) {
    if (error) return;
    if (!is_token(item)) {
      error = Error{"list element '" + excerpt(item) + "' is not a token"};
      error->column = static_cast<uint32_t>(item.data() - value.data() + 1);
      return;
    }
    tokens.emplace_back(item);
  });
  if (error) return *error;
  return tokens;
}

std::string format_token_list(const std::vector<std::string>& tokens) {
  std::string out;
  for (const std::string& token : tokens) {
    if (!out.empty()) out += ", ";
    out += token;
  }
  return out;
}

// ---- Content-Type ----

bool ContentType::is(std::string_view type_name, std::string_view subtype_name) const {
  return iequals(type, type_name) && iequals(subtype, subtype_name);
}

std::string ContentType::to_string() const { return with_params(type + "/" + subtype, params); }

Result<ContentType> parse_content_type(std::string_view value) {
  Scanner s(value);
  s.skip_ws();
  ContentType ct;
  ct.type = s.token();
  if (ct.type.empty()) return error_at(s, "expected a media type such as 'application/sdp'");
  if (!s.consume_sep('/')) return error_at(s, "expected '/' after media type '" + ct.type + "'");
  ct.subtype = s.token();
  if (ct.subtype.empty()) return error_at(s, "expected a subtype after '" + ct.type + "/'");
  if (Status st = read_params(s, ct.params); !st) return st.error();
  if (Status end = expect_end(s, "the media type"); !end) return end.error();
  return ct;
}

// ---- Session timers (RFC 4028) ----

std::optional<std::string> SessionExpires::refresher() const {
  auto value = params.value("refresher");
  if (!value) return std::nullopt;
  return to_lower(*value);
}

std::string SessionExpires::to_string() const {
  return with_params(std::to_string(seconds), params);
}

Result<SessionExpires> parse_session_expires(std::string_view value) {
  Scanner s(value);
  SessionExpires se;
  auto seconds = read_delta(s);
  if (!seconds) return seconds.error();
  se.seconds = *seconds;
  if (Status st = read_params(s, se.params); !st) return st.error();
  if (Status end = expect_end(s, "Session-Expires"); !end) return end.error();
  if (se.params.has("refresher")) {
    const auto refresher = se.params.value("refresher");
    if (!refresher || !(iequals(*refresher, "uac") || iequals(*refresher, "uas"))) {
      return Error{"Session-Expires refresher must be 'uac' or 'uas'"};
    }
  }
  return se;
}

Result<uint32_t> parse_min_se(std::string_view value) {
  Scanner s(value);
  auto seconds = read_delta(s);
  if (!seconds) return seconds;
  Params ignored;
  if (Status st = read_params(s, ignored); !st) return st.error();
  if (Status end = expect_end(s, "Min-SE"); !end) return end.error();
  return seconds;
}

// ---- Reliable provisional responses (RFC 3262) ----

std::string RAck::to_string() const {
  return std::to_string(rseq) + " " + std::to_string(cseq) + " " + method;
}

Result<RAck> parse_rack(std::string_view value) {
  Scanner s(value);
  RAck rack;
  s.skip_ws();
  auto rseq = read_number(s, "RSeq number", 1, kMaxDeltaSeconds);
  if (!rseq) return rseq.error();
  rack.rseq = *rseq;
  auto require_lws = [&s](std::string_view after) -> Status {
    if (s.peek() != ' ' && s.peek() != '\t') {
      return error_at(s, "expected whitespace after the " + std::string(after));
    }
    s.skip_ws();
    return Ok{};
  };
  if (Status st = require_lws("RSeq number"); !st) return st.error();
  auto cseq = read_number(s, "CSeq number", 0, kMaxDeltaSeconds);
  if (!cseq) return cseq.error();
  rack.cseq = *cseq;
  if (Status st = require_lws("CSeq number"); !st) return st.error();
  rack.method = s.token();
  if (rack.method.empty()) return error_at(s, "expected a method after the CSeq number");
  if (Status end = expect_end(s, "the method"); !end) return end.error();
  return rack;
}

Result<uint32_t> parse_rseq(std::string_view value) {
  Scanner s(value);
  s.skip_ws();
  auto rseq = read_number(s, "RSeq number", 1, kMaxRSeq);
  if (!rseq) return rseq;
  if (Status end = expect_end(s, "the RSeq number"); !end) return end.error();
  return rseq;
}

// ---- Events (RFC 6665) ----

std::optional<std::string> Event::id() const { return params.unquoted("id"); }

std::string Event::to_string() const { return with_params(type, params); }

Result<Event> parse_event(std::string_view value) {
  Scanner s(value);
  s.skip_ws();
  Event event;
  event.type = s.token();
  if (event.type.empty()) return error_at(s, "expected an event package name");
  // event-package and event-template are token-nodot: no empty component around a dot.
  if (event.type.front() == '.' || event.type.back() == '.' ||
      event.type.find("..") != std::string::npos) {
    return Error{"event type '" + excerpt(event.type) + "' has an empty package or template"};
  }
  if (Status st = read_params(s, event.params); !st) return st.error();
  if (Status end = expect_end(s, "the event type"); !end) return end.error();
  return event;
}

std::optional<uint32_t> SubscriptionState::expires() const {
  return delta_value(params.value("expires"));
}

std::optional<uint32_t> SubscriptionState::retry_after() const {
  return delta_value(params.value("retry-after"));
}

std::optional<std::string> SubscriptionState::reason() const {
  auto value = params.value("reason");
  if (!value) return std::nullopt;
  return std::string(*value);
}

std::string SubscriptionState::to_string() const { return with_params(state, params); }

Result<SubscriptionState> parse_subscription_state(std::string_view value) {
  Scanner s(value);
  s.skip_ws();
  SubscriptionState sub;
  sub.state = s.token();
  if (sub.state.empty()) return error_at(s, "expected a subscription state such as 'active'");
  if (Status st = read_params(s, sub.params); !st) return st.error();
  if (Status end = expect_end(s, "the subscription state"); !end) return end.error();
  if (Status st = require_delta_param(sub.params, "expires"); !st) return st.error();
  if (Status st = require_delta_param(sub.params, "retry-after"); !st) return st.error();
  return sub;
}

// ---- Replaces (RFC 3891) ----

std::string Replaces::to_tag() const { return std::string(params.value("to-tag").value_or("")); }

std::string Replaces::from_tag() const {
  return std::string(params.value("from-tag").value_or(""));
}

bool Replaces::early_only() const { return params.has("early-only"); }

std::string Replaces::to_string() const { return with_params(call_id, params); }

Result<Replaces> parse_replaces(std::string_view value) {
  Scanner s(value);
  s.skip_ws();
  Replaces replaces;
  replaces.call_id = take_while(s, is_word_char);
  if (replaces.call_id.empty()) return error_at(s, "expected a Call-ID");
  if (s.consume('@')) {
    const std::string_view host = take_while(s, is_word_char);
    if (host.empty()) return error_at(s, "expected a word after '@' in the Call-ID");
    replaces.call_id += '@';
    replaces.call_id += host;
  }
  if (Status st = read_params(s, replaces.params); !st) return st.error();
  if (Status end = expect_end(s, "the Replaces parameters"); !end) return end.error();
  for (std::string_view name : {"to-tag", "from-tag"}) {
    Status st = require_token_param(replaces.params, name);
    if (!st) return Error{"Replaces: " + st.error().reason};
  }
  return replaces;
}

// ---- Reason (RFC 3326) ----

std::optional<uint32_t> Reason::cause() const {
  auto value = params.value("cause");
  if (!value) return std::nullopt;
  auto number = parse_uint(*value, kMaxDeltaSeconds);
  if (!number) return std::nullopt;
  return static_cast<uint32_t>(*number);
}

std::optional<std::string> Reason::text() const { return params.unquoted("text"); }

std::string Reason::to_string() const { return with_params(protocol, params); }

Result<Reason> parse_reason(std::string_view value) {
  Scanner s(value);
  s.skip_ws();
  Reason reason;
  reason.protocol = s.token();
  if (reason.protocol.empty()) return error_at(s, "expected a protocol such as 'SIP' or 'Q.850'");
  if (Status st = read_params(s, reason.params); !st) return st.error();
  if (Status end = expect_end(s, "the Reason parameters"); !end) return end.error();
  if (reason.params.has("cause") && !reason.cause()) {
    return Error{"Reason cause must be a number below 2^32"};
  }
  return reason;
}

// ---- Equality ----

bool operator==(const ContentType& a, const ContentType& b) {
  return a.type == b.type && a.subtype == b.subtype && same_params(a.params, b.params);
}
bool operator==(const SessionExpires& a, const SessionExpires& b) {
  return a.seconds == b.seconds && same_params(a.params, b.params);
}
bool operator==(const RAck& a, const RAck& b) {
  return a.rseq == b.rseq && a.cseq == b.cseq && a.method == b.method;
}
bool operator==(const Event& a, const Event& b) {
  return a.type == b.type && same_params(a.params, b.params);
}
bool operator==(const SubscriptionState& a, const SubscriptionState& b) {
  return a.state == b.state && same_params(a.params, b.params);
}
bool operator==(const Replaces& a, const Replaces& b) {
  return a.call_id == b.call_id && same_params(a.params, b.params);
}
bool operator==(const Reason& a, const Reason& b) {
  return a.protocol == b.protocol && same_params(a.params, b.params);
}

}  // namespace tandem::sip
