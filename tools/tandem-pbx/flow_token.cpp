#include "flow_token.hpp"

#include <array>
#include <charconv>

namespace tandem::pbx {

namespace {

constexpr char kKinds[] = "utlws";  // TransportKind order: UDP, TCP, TLS, WS, WSS
constexpr char kHex[] = "0123456789abcdef";

void append_flow(std::string& out, const sip::Flow& f) {
  out += kKinds[static_cast<size_t>(f.kind)];
  auto hex = [&out](const auto& bytes) {
    for (unsigned char c : bytes) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  };
  if (f.remote.ip.is_v4()) {
    hex(f.remote.ip.to_v4().to_bytes());
  } else {
    hex(f.remote.ip.to_v6().to_bytes());
  }
  out += '.' + std::to_string(f.remote.port) + '.' + std::to_string(f.connection_id);
}

template <typename T>
std::optional<T> number(std::string_view text) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

std::optional<sip::Flow> parse_flow(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  const char* kind = std::char_traits<char>::find(kKinds, 5, text[0]);
  const size_t dot1 = text.find('.');
  const size_t dot2 = text.find('.', dot1 + 1);
  if (kind == nullptr || dot1 == std::string_view::npos || dot2 == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view hex = text.substr(1, dot1 - 1);
  if (hex.size() != 8 && hex.size() != 32) {
    return std::nullopt;
  }
  std::array<unsigned char, 16> bytes{};
  for (size_t i = 0; i < hex.size() / 2; ++i) {
    unsigned v = 0;
    if (std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2, v, 16).ec != std::errc()) {
      return std::nullopt;
    }
    bytes[i] = static_cast<unsigned char>(v);
  }
  auto port = number<uint16_t>(text.substr(dot1 + 1, dot2 - dot1 - 1));
  auto connection = number<uint64_t>(text.substr(dot2 + 1));
  if (!port || !connection) {
    return std::nullopt;
  }
  sip::Flow flow;
  flow.kind = static_cast<sip::TransportKind>(kind - kKinds);
  if (hex.size() == 8) {
    flow.remote.ip = boost::asio::ip::address_v4({bytes[0], bytes[1], bytes[2], bytes[3]});
  } else {
    flow.remote.ip = boost::asio::ip::address_v6(bytes);
  }
  flow.remote.port = *port;
  flow.connection_id = *connection;
  return flow;
}

}  // namespace

std::string encode_flow_token(const FlowPair& flows) {
  std::string out(kFlowTokenPrefix);
  append_flow(out, flows.a);
  out += '-';
  append_flow(out, flows.b);
  return out;
}

std::optional<FlowPair> decode_flow_token(std::string_view user) {
  if (!user.starts_with(kFlowTokenPrefix)) {
    return std::nullopt;
  }
  user.remove_prefix(kFlowTokenPrefix.size());
  const size_t dash = user.find('-');
  if (dash == std::string_view::npos) {
    return std::nullopt;
  }
  auto a = parse_flow(user.substr(0, dash));
  auto b = parse_flow(user.substr(dash + 1));
  if (!a || !b) {
    return std::nullopt;
  }
  return FlowPair{*a, *b};
}

bool same_flow(const sip::Flow& x, const sip::Flow& y) {
  if (x.kind != y.kind) {
    return false;
  }
  // A flow we opened by address (connection 0 until connected) matches by address.
  if (x.connection_id != 0 && y.connection_id != 0) {
    return x.connection_id == y.connection_id;
  }
  return x.remote == y.remote;
}

}  // namespace tandem::pbx
