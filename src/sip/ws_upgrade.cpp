#include "sip/ws_upgrade.hpp"

#include "common/text.hpp"

namespace tandem::sip {

namespace http = boost::beast::http;

namespace {

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

bool is_secret_parameter(std::string_view name) {
  return iequals(name, "token") || iequals(name, "access_token");
}

}  // namespace

bool offers_sip_subprotocol(const WsUpgradeRequest& request) {
  for (auto it = request.find(http::field::sec_websocket_protocol);
       it != request.end() && it->name() == http::field::sec_websocket_protocol; ++it) {
    std::string_view list(it->value().data(), it->value().size());
    while (!list.empty()) {
      const size_t comma = list.find(',');
      if (trim_blanks(list.substr(0, comma)) == "sip") {
        return true;  // RFC 7118 §4: the registered subprotocol, as written
      }
      if (comma == std::string_view::npos) {
        break;
      }
      list.remove_prefix(comma + 1);
    }
  }
  return false;
}

std::string redact_target(std::string_view target) {
  const size_t question = target.find('?');
  if (question == std::string_view::npos) {
    return std::string(target);
  }
  std::string out(target.substr(0, question + 1));
  std::string_view query = target.substr(question + 1);
  const size_t hash = query.find('#');
  const std::string_view fragment =
      hash == std::string_view::npos ? std::string_view{} : query.substr(hash);
  query = query.substr(0, hash);
  bool first = true;
  while (true) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const size_t equals = pair.find('=');
    if (!first) {
      out += '&';
    }
    first = false;
    if (equals != std::string_view::npos && is_secret_parameter(pair.substr(0, equals))) {
      out.append(pair.substr(0, equals + 1)).append("REDACTED");
    } else {
      out.append(pair);
    }
    if (amp == std::string_view::npos) {
      break;
    }
    query.remove_prefix(amp + 1);
  }
  return out.append(fragment);
}

}  // namespace tandem::sip
