#include "sip/listen_spec.hpp"

#include <algorithm>
#include <string>

#include "common/text.hpp"

namespace tandem::sip {
namespace {

std::string lower_name(TransportKind kind) {
  std::string name(transport_name(kind));
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  return name;
}

}  // namespace

Result<ListenSpec> parse_listen_spec(std::string_view text, std::string_view flag,
                                     const std::vector<TransportKind>& allowed) {
  const std::string prefix = std::string(flag) + " '" + std::string(text) + "': ";
  std::string names;
  for (TransportKind kind : allowed) names += (names.empty() ? "" : ", ") + lower_name(kind);
  const size_t colon = text.find(':');
  const size_t last = text.rfind(':');
  if (colon == std::string_view::npos || last == colon) {
    return Error{prefix + "expected TRANSPORT:ADDRESS:PORT (" + names +
                 "), e.g. udp:127.0.0.1:5070"};
  }
  std::string_view host = text.substr(colon + 1, last - colon - 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(std::string(host), ec);
  const auto port = parse_uint(text.substr(last + 1), 65535);
  if (ec || !port) return Error{prefix + "bad address or port"};
  const std::string_view transport = text.substr(0, colon);
  for (TransportKind kind : allowed) {
    if (transport == lower_name(kind)) {
      return ListenSpec{kind, {ip, static_cast<uint16_t>(*port)}};
    }
  }
  return Error{prefix + "transport must be one of " + names};
}

}  // namespace tandem::sip
