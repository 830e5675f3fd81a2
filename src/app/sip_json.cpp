#include "app/sip_json.hpp"

#include "sip/grammar.hpp"

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
      return json();
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
    for (const auto& [name, value] : uri.headers) headers[sip::unescape(name)] = sip::unescape(value);
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
    json entry = {{"name", h.id == sip::HeaderId::kOther ? h.name : std::string(sip::canonical_name(h.id))},
                  {"value", h.value}};
    if (h.name != entry["name"].get<std::string>()) entry["received_as"] = h.name;
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
    if (!items.empty()) entry["parsed"] = items.size() == 1 && !sip::is_list_header(h.id) ? items[0] : items;
    headers.push_back(std::move(entry));
  }
  out["headers"] = headers;
  out["body_length"] = m.body().size();
  return out;
}

}  // namespace tandem::app
