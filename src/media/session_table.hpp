// The demultiplexing table of one media worker's shared ports (DESIGN.md §2): a STUN check
// finds its session by the local ICE ufrag (the part of USERNAME before ':'); every other
// datagram finds it by the remote transport address (UDP, or the remote end of an ICE-TCP
// connection) that an authenticated check taught us.
// Worker-thread only; lookups take string_view/Endpoint and allocate nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ice/endpoint.hpp"

namespace tandem::media {

using SessionId = uint32_t;

// FNV-1a over family, transport, port and address bytes.
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
  size_t path_count() const noexcept { return by_path_.size(); }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_map<std::string, SessionId, StringHash, std::equal_to<>> by_ufrag_;
  std::unordered_map<ice::Endpoint, SessionId, EndpointHash> by_path_;
};

}  // namespace tandem::media
