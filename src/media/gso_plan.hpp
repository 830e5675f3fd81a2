// How one send batch leaves a UDP socket: each destination's datagrams, in their order, are cut
// into runs that one UDP GSO send (UDP_SEGMENT, Linux 4.18+) can carry — equal sizes, the last
// one possibly shorter, at most kMaxGsoSegments and kMaxGsoBytes — and a run of one is an
// ordinary datagram. A pure function over a description of the batch, so the grouping is tested
// without sockets; UdpPort turns the plan into one sendmmsg(2) call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tandem::media {

// UDP_MAX_SEGMENTS in <linux/udp.h> (64 up to Linux 6.9, 128 since): the older limit.
inline constexpr size_t kMaxGsoSegments = 64;
// One GSO send is one IP datagram before segmentation: 65535 minus the IPv4 (20) and UDP (8)
// headers; IPv6 allows slightly more, so this bound serves both families.
inline constexpr size_t kMaxGsoBytes = 65507;

struct GsoLimits {
  size_t max_segments = kMaxGsoSegments;  // 1 (or 0): never group, every datagram alone
  size_t max_bytes = kMaxGsoBytes;
};

// One queued datagram: its size and its destination as a small id (equal ids, same address).
struct TxDatagram {
  uint16_t destination = 0;
  uint16_t size = 0;
};

// One message of the sendmmsg call: the datagrams order[first, first + count), all for the same
// destination; segment_size is the GSO segment size, 0 for a plain datagram (count == 1).
struct TxSend {
  uint16_t first = 0;
  uint16_t count = 0;
  uint16_t segment_size = 0;
};

// Writes in `order` the batch's datagram indices grouped by destination (destinations in order
// of first appearance, each destination's datagrams in queue order) and in `sends` the messages
// over that order; returns how many sends. `order` and `sends` must each hold batch.size()
// entries (returns 0 otherwise). Allocates nothing.
size_t plan_gso_sends(std::span<const TxDatagram> batch, const GsoLimits& limits,
                      std::span<uint16_t> order, std::span<TxSend> sends) noexcept;

}  // namespace tandem::media
