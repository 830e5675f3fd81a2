#include "ice/endpoint.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "common/text.hpp"

namespace tandem::ice {

Endpoint Endpoint::ipv4(std::span<const uint8_t, 4> addr, uint16_t port) noexcept {
  Endpoint e;
  std::copy(addr.begin(), addr.end(), e.addr_.begin());
  e.port_ = port;
  e.family_ = Family::kIpv4;
  return e;
}

Endpoint Endpoint::ipv6(std::span<const uint8_t, 16> addr, uint16_t port) noexcept {
  Endpoint e;
  std::copy(addr.begin(), addr.end(), e.addr_.begin());
  e.port_ = port;
  e.family_ = Family::kIpv6;
  return e;
}

std::optional<Endpoint> Endpoint::parse(std::string_view text) {
  std::string host;
  std::string_view port_text;
  bool v6 = false;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
    v6 = true;
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  const auto port = parse_uint(port_text, 65535);
  if (!port) return std::nullopt;
  if (v6) {
    std::array<uint8_t, 16> a{};
    if (inet_pton(AF_INET6, host.c_str(), a.data()) != 1) return std::nullopt;
    return ipv6(a, static_cast<uint16_t>(*port));
  }
  std::array<uint8_t, 4> a{};
  if (inet_pton(AF_INET, host.c_str(), a.data()) != 1) return std::nullopt;
  return ipv4(a, static_cast<uint16_t>(*port));
}

std::optional<Endpoint> Endpoint::from_sockaddr(const sockaddr* sa, socklen_t len) noexcept {
  if (sa == nullptr) return std::nullopt;
  if (sa->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in in{};
    std::memcpy(&in, sa, sizeof in);
    std::array<uint8_t, 4> a{};
    std::memcpy(a.data(), &in.sin_addr, 4);
    return ipv4(a, ntohs(in.sin_port));
  }
  if (sa->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, sa, sizeof in6);
    std::array<uint8_t, 16> a{};
    std::memcpy(a.data(), &in6.sin6_addr, 16);
    return ipv6(a, ntohs(in6.sin6_port));
  }
  return std::nullopt;
}

socklen_t Endpoint::to_sockaddr(sockaddr_storage& storage) const noexcept {
  std::memset(&storage, 0, sizeof storage);
  if (is_ipv4()) {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_port = htons(port_);
    std::memcpy(&in.sin_addr, addr_.data(), 4);
    std::memcpy(&storage, &in, sizeof in);
    return sizeof in;
  }
  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  in6.sin6_port = htons(port_);
  std::memcpy(&in6.sin6_addr, addr_.data(), 16);
  std::memcpy(&storage, &in6, sizeof in6);
  return sizeof in6;
}

std::string Endpoint::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_ipv4() ? AF_INET : AF_INET6, addr_.data(), buf, sizeof buf);
  if (is_ipv4()) return std::string(buf) + ":" + std::to_string(port_);
  return "[" + std::string(buf) + "]:" + std::to_string(port_);
}

}  // namespace tandem::ice
