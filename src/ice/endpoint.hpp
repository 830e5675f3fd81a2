// A transport address as a small value type: IPv4 or IPv6 address, port and transport protocol
// (UDP, or TCP for an ICE-TCP connection, RFC 6544). Used for remote candidates,
// XOR-MAPPED-ADDRESS and as the destination of ICE responses. The transport takes part in
// equality, so a UDP and a TCP path from the same address and port are different ICE paths.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tandem::ice {

class Endpoint {
 public:
  enum class Family : uint8_t { kIpv4 = 4, kIpv6 = 6 };
  enum class Transport : uint8_t { kUdp, kTcp };

  constexpr Endpoint() noexcept = default;

  // addr in network byte order. Parsing and the factories give UDP endpoints; with_transport()
  // makes the TCP twin.
  static Endpoint ipv4(std::span<const uint8_t, 4> addr, uint16_t port) noexcept;
  static Endpoint ipv6(std::span<const uint8_t, 16> addr, uint16_t port) noexcept;

  // "192.0.2.1:3478" or "[2001:db8::1]:3478". Empty on any syntax error.
  static std::optional<Endpoint> parse(std::string_view text);

  // From a kernel socket address (AF_INET or AF_INET6; IPv4-mapped IPv6 stays IPv6).
  static std::optional<Endpoint> from_sockaddr(const sockaddr* sa, socklen_t len) noexcept;
  // Fills storage and returns the length to pass to sendto().
  socklen_t to_sockaddr(sockaddr_storage& storage) const noexcept;

  Family family() const noexcept { return family_; }
  bool is_ipv4() const noexcept { return family_ == Family::kIpv4; }
  Transport transport() const noexcept { return transport_; }
  bool is_tcp() const noexcept { return transport_ == Transport::kTcp; }
  Endpoint with_transport(Transport transport) const noexcept {
    Endpoint e = *this;
    e.transport_ = transport;
    return e;
  }
  uint16_t port() const noexcept { return port_; }
  // 4 bytes for IPv4, 16 for IPv6, network byte order.
  std::span<const uint8_t> address() const noexcept {
    return {addr_.data(), is_ipv4() ? size_t{4} : size_t{16}};
  }

  // "192.0.2.1:3478" or "[2001:db8::1]:3478" whatever the transport.
  std::string to_string() const;

  friend bool operator==(const Endpoint&, const Endpoint&) = default;

 private:
  std::array<uint8_t, 16> addr_{};
  uint16_t port_ = 0;
  Family family_ = Family::kIpv4;
  Transport transport_ = Transport::kUdp;
};

}  // namespace tandem::ice
