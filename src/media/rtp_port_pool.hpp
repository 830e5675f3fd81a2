// The PBX-side RTP port pairs of one media worker (RTP on an even port, RTCP on the next one,
// RFC 3550 §11). The configured range is split between the workers (rtp_port_slice) so that no
// two workers ever bind the same port; each pool hands out its slice round-robin, so a port just
// released is reused last (late packets of the old call then land nowhere).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace tandem::media {

struct PortRange {
  uint16_t first = 0;  // even
  uint16_t last = 0;   // odd: the RTCP port of the last pair
  size_t pairs() const noexcept { return last > first ? (size_t{last} - first + 1) / 2 : 0; }
  bool operator==(const PortRange&) const = default;
};

// Worker `index` of `count`'s share of [first, last]: whole even/odd pairs, the same number for
// every worker. An error when the range has fewer pairs than workers.
Result<PortRange> rtp_port_slice(uint16_t first, uint16_t last, uint32_t index, uint32_t count);

// Two bound, non-blocking UDP sockets: RTP on an even port and RTCP on the next.
struct RtpSocketPair {
  boost::asio::ip::udp::socket rtp;
  boost::asio::ip::udp::socket rtcp;
  uint16_t port = 0;
};

class RtpPortPool {
 public:
  RtpPortPool(PortRange range, std::string bind_address);

  // Binds the next free pair of the slice; ports another program holds are skipped. The error
  // names the range when every pair is taken.
  Result<RtpSocketPair> acquire(boost::asio::io_context& io);
  // Returns the pair of a released leg (its sockets already closed).
  void release(uint16_t port) noexcept;

  const PortRange& range() const noexcept { return range_; }
  size_t in_use() const noexcept { return in_use_count_; }

 private:
  PortRange range_;
  std::string bind_address_;
  std::vector<bool> in_use_;
  size_t in_use_count_ = 0;
  size_t next_ = 0;
};

}  // namespace tandem::media
