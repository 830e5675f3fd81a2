// SIP over UDP (RFC 3261 §18): one socket, datagram in, message out; malformed requests are
// answered statelessly; `received`/`rport` are stamped on every request (RFC 3581).
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <memory>

#include "common/result.hpp"
#include "sip/message_parser.hpp"
#include "sip/rate_limiter.hpp"
#include "sip/transport.hpp"

namespace tandem::sip {

class UdpTransport final : public Transport {
 public:
  // Binds `local` (port 0 picks a free one) and starts receiving. `user` must outlive this.
  static Result<std::unique_ptr<UdpTransport>> open(boost::asio::io_context& io,
                                                    const PeerAddress& local, TransportUser& user,
                                                    const ParserLimits& limits = {});

  TransportKind kind() const override { return TransportKind::kUdp; }
  PeerAddress local_address() const override { return local_; }
  bool send(std::string_view bytes, const Flow& flow) override;
  const TransportStats& stats() const { return stats_; }
  // Per-source flood protection (off until set): datagrams beyond the limit are dropped unread.
  void limit_rate(RateLimit limit) { limiter_ = RateLimiter(std::move(limit)); }
  const RateLimiter& rate_limiter() const { return limiter_; }

 private:
  UdpTransport(boost::asio::ip::udp::socket socket, TransportUser& user,
               const ParserLimits& limits);
  void receive();
  void on_datagram(std::string_view bytes);

  boost::asio::ip::udp::socket socket_;
  TransportUser& user_;
  ParserLimits limits_;
  PeerAddress local_;
  boost::asio::ip::udp::endpoint sender_;
  std::array<char, 65536> buffer_{};
  TransportStats stats_;
  RateLimiter limiter_;
};

}  // namespace tandem::sip
