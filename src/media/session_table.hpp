// The demultiplexing table of one media worker's shared ports (DESIGN.md §2): a STUN check
// finds its session by the local ICE ufrag (the part of USERNAME before ':'); every other
// datagram finds it by the remote transport address (UDP, or the remote end of an ICE-TCP
// connection) that an authenticated check taught us.
// Worker-thread only; lookups take string_view/Endpoint and allocate nothing.
// The address table is on every media packet's path, so it is a flat open-addressing table
// (linear probing, at most half full, backward-shift deletion): a lookup hashes the address with
// two multiplications and usually reads one cache line, where a node-based map reads its bucket
// array and a separately allocated node (two cache misses per packet once a worker carries
// hundreds of sessions whose state no longer fits in the cache).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ice/endpoint.hpp"

namespace tandem::media {

using SessionId = uint32_t;

// Multiplicative hash over the address words, port, family and transport.
struct EndpointHash {
  size_t operator()(const ice::Endpoint& e) const noexcept;
};

class SessionTable {
 public:
  // False (and nothing changes) when the ufrag already belongs to a session.
  bool add_ufrag(std::string_view ufrag, SessionId id);
  // Binds a remote address to a session; a later binding of the same address wins (the browser
  // moved the address to another session, or the port was reused).
  void add_path(const ice::Endpoint& path, SessionId id);
  // Forgets one remote address (an ICE-TCP connection closed).
  void remove_path(const ice::Endpoint& path) noexcept;
  std::optional<SessionId> find_by_ufrag(std::string_view ufrag) const noexcept;
  std::optional<SessionId> find_by_path(const ice::Endpoint& path) const noexcept;
  // Forgets every ufrag and address of the session.
  void remove_session(SessionId id);
  size_t ufrag_count() const noexcept { return by_ufrag_.size(); }
  size_t path_count() const noexcept { return path_count_; }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_map<std::string, SessionId, StringHash, std::equal_to<>> by_ufrag_;
  struct PathSlot {
    ice::Endpoint path;
    SessionId id = 0;
    bool used = false;
  };
  size_t home_of(const ice::Endpoint& path) const noexcept {
    return EndpointHash{}(path) & (paths_.size() - 1);
  }
  // The slot holding `path`, or the empty slot ending its probe sequence.
  size_t probe(const ice::Endpoint& path) const noexcept;
  void erase_at(size_t slot) noexcept;
  void grow();

  std::vector<PathSlot> paths_;  // a power of two long (or empty), at most half used
  size_t path_count_ = 0;
};

}  // namespace tandem::media
