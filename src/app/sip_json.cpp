#include "app/sip_json.hpp"

#include "common/text.hpp"
#include "sip/auth_header.hpp"
#include "sip/grammar.hpp"
#include "sip/header_values.hpp"

namespace tandem::app {
namespace {

using json = nlohmann::ordered_json;

json params_json(const sip::Params& params) {
  json out = json::object();
  for (const sip::Param& p : params.items()) out[p.name] = p.value ? json(*p.value) : json(true);
  return out;
}

json name_addr_json(const sip::NameAddr& na) {
  json out = {{"uri", to_json(na.uri)}, {"params", params_json(na.params)}};
  if (!na.display_name.empty()) out["display_name"] = na.display_name;
  return out;
}

json via_json(const sip::Via& via) {
  json out = {{"protocol", via.protocol_name + "/" + via.protocol_version},
              {"transport", via.transport},
              {"host", via.host},
              {"params", params_json(via.params)}};
  if (via.port) out["port"] = *via.port;
  return out;
}

// The parsed form of one header value, or {"error": reason} when it does not parse.
template <typename T, typename Parse, typename ToJson>
json parsed(std::string_view value, Parse&& parse, ToJson&& to) {
  auto r = parse(value);
  if (!r) return json{{"error", r.error().reason}};
  return to(*r);
}

json auth_json(const sip::AuthHeader& a) {
  json params = json::object();
  for (const sip::AuthParam& p : a.params) params[p.name] = p.value;
  return json{{"scheme", a.scheme}, {"params", params}};
}

Result<uint32_t> number(std::string_view v, uint64_t max) {
  auto n = parse_uint(v, max);
  if (!n) return Error{"expected an integer from 0 to " + std::to_string(max)};
  return static_cast<uint32_t>(*n);
}

json integer(uint32_t n) { return json(n); }

json typed_extension(sip::HeaderId id, std::string_view value) {
  using sip::HeaderId;
  switch (id) {
    case HeaderId::kExpires:
    case HeaderId::kMinExpires:
      return parsed<uint32_t>(value, sip::parse_delta_seconds, integer);
    case HeaderId::kMaxForwards:
      return parsed<uint32_t>(
          value, [](std::string_view v) { return number(v, 255); }, integer);
    case HeaderId::kContentLength:
      return parsed<uint32_t>(
          value, [](std::string_view v) { return number(v, UINT32_MAX); }, integer);
    case HeaderId::kRSeq:
      return parsed<uint32_t>(value, sip::parse_rseq, integer);
    case HeaderId::kMinSe:
      return parsed<uint32_t>(value, sip::parse_min_se, integer);
    case HeaderId::kSupported:
    case HeaderId::kRequire:
    case HeaderId::kProxyRequire:
    case HeaderId::kUnsupported:
    case HeaderId::kAllow:
    case HeaderId::kAllowEvents:
      return parsed<std::vector<std::string>>(value, sip::parse_token_list, [](const auto& tokens) {
        return tokens.size() == 1 ? json(tokens[0]) : json(tokens);
      });
    case HeaderId::kContentType:
      return parsed<sip::ContentType>(value, sip::parse_content_type, [](const auto& c) {
        return json{{"type", c.type}, {"subtype", c.subtype}, {"params", params_json(c.params)}};
      });
    case HeaderId::kSessionExpires:
      return parsed<sip::SessionExpires>(value, sip::parse_session_expires, [](const auto& se) {
        return json{{"seconds", se.seconds}, {"params", params_json(se.params)}};
      });
    case HeaderId::kRAck:
      return parsed<sip::RAck>(value, sip::parse_rack, [](const auto& r) {
        return json{{"rseq", r.rseq}, {"cseq", r.cseq}, {"method", r.method}};
      });
    case HeaderId::kEvent:
      return parsed<sip::Event>(value, sip::parse_event, [](const auto& e) {
        return json{{"type", e.type}, {"params", params_json(e.params)}};
      });
    case HeaderId::kSubscriptionState:
      return parsed<sip::SubscriptionState>(
          value, sip::parse_subscription_state, [](const auto& st) {
            return json{{"state", st.state}, {"params", params_json(st.params)}};
          });
    case HeaderId::kReplaces:
      return parsed<sip::Replaces>(value, sip::parse_replaces, [](const auto& r) {
        return json{{"call_id", r.call_id}, {"params", params_json(r.params)}};
      });
    case HeaderId::kReason:
      return parsed<sip::Reason>(value, sip::parse_reason, [](const auto& r) {
        return json{{"protocol", r.protocol}, {"params", params_json(r.params)}};
      });
    case HeaderId::kWwwAuthenticate:
    case HeaderId::kProxyAuthenticate:
    case HeaderId::kAuthorization:
    case HeaderId::kProxyAuthorization:
      return parsed<sip::AuthHeader>(value, sip::parse_auth_header, auth_json);
    default:
      return json();
  }
}

json parse_value(sip::HeaderId id, std::string_view value) {
  using sip::HeaderId;
  switch (id) {
    case HeaderId::kVia:
      return parsed<sip::Via>(value, sip::parse_via, via_json);
    case HeaderId::kFrom:
    case HeaderId::kTo:
    case HeaderId::kRoute:
    case HeaderId::kRecordRoute:
    case HeaderId::kPath:
    case HeaderId::kReferTo:
    case HeaderId::kReferredBy:
      return parsed<sip::NameAddr>(value, sip::parse_name_addr, name_addr_json);
    case HeaderId::kContact:
      if (value == "*") return json{{"wildcard", true}};
      return parsed<sip::NameAddr>(value, sip::parse_name_addr, name_addr_json);
    case HeaderId::kCSeq:
      return parsed<sip::CSeq>(value, sip::parse_cseq, [](const sip::CSeq& c) {
        return json{{"number", c.number}, {"method", c.method}};
      });
    default:
      return typed_extension(id, value);
  }
}

}  // namespace

json to_json(const sip::Uri& uri) {
  json out = {{"scheme", uri.scheme_name}, {"text", uri.to_string()}};
  if (uri.scheme == sip::Uri::Scheme::kOther) return out;
  if (!uri.user.empty()) out["user"] = sip::unescape(uri.user);
  if (uri.scheme == sip::Uri::Scheme::kTel) {
    out["params"] = params_json(uri.params);
    return out;
  }
  if (uri.password) out["password"] = "(hidden)";
  out["host"] = uri.host;
  if (uri.port) out["port"] = *uri.port;
  out["params"] = params_json(uri.params);
  if (!uri.headers.empty()) {
    json headers = json::object();
    for (const auto& [name, value] : uri.headers)
      headers[sip::unescape(name)] = sip::unescape(value);
    out["headers"] = headers;
  }
  return out;
}

json to_json(const sip::Message& m) {
  json out;
  if (m.is_request()) {
    out["type"] = "request";
    out["method"] = m.method();
    out["request_uri"] = to_json(m.request_uri());
  } else {
    out["type"] = "response";
    out["status"] = m.status();
    out["reason"] = m.reason();
  }
  json headers = json::array();
  for (const sip::Header& h : m.headers()) {
    json entry = {
        {"name", std::string(h.id == sip::HeaderId::kOther ? h.name : sip::canonical_name(h.id))},
        {"value", std::string(h.value)}};
    if (h.name != entry["name"].get<std::string>()) entry["received_as"] = std::string(h.name);
    json items = json::array();
    auto add = [&](std::string_view item) {
      json p = parse_value(h.id, item);
      if (!p.is_null()) items.push_back(std::move(p));
    };
    if (sip::is_list_header(h.id)) {
      sip::for_each_comma_item(h.value, add);
    } else {
      add(h.value);
    }
    if (!items.empty())
      entry["parsed"] = items.size() == 1 && !sip::is_list_header(h.id) ? items[0] : items;
    headers.push_back(std::move(entry));
  }
  out["headers"] = headers;
  out["body_length"] = m.body().size();
  return out;
}

}  // namespace tandem::app
