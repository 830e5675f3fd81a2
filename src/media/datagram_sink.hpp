// Where a WebRtcTransport sends: the worker's shared UDP socket of the destination's family
// (batched), or the ICE-TCP connection a TCP destination names (RFC 4571 framed). The bytes are
// copied before the call returns.
#pragma once

#include <cstdint>
#include <span>

#include "ice/endpoint.hpp"

namespace tandem::media {

class DatagramSink {
 public:
  virtual void send_datagram(std::span<const uint8_t> datagram,
                             const ice::Endpoint& to) noexcept = 0;

 protected:
  ~DatagramSink() = default;
};

}  // namespace tandem::media
