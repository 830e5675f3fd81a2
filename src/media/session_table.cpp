#include "media/session_table.hpp"

#include <iterator>

namespace tandem::media {

size_t EndpointHash::operator()(const ice::Endpoint& e) const noexcept {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](uint8_t b) {
    h ^= b;
    h *= 1099511628211ULL;
  };
  mix(static_cast<uint8_t>(e.family()));
  mix(static_cast<uint8_t>(e.transport()));
  mix(static_cast<uint8_t>(e.port() >> 8));
  mix(static_cast<uint8_t>(e.port()));
  for (uint8_t b : e.address()) mix(b);
  return static_cast<size_t>(h);
}

bool SessionTable::add_ufrag(std::string_view ufrag, SessionId id) {
  return by_ufrag_.emplace(std::string(ufrag), id).second;
}

void SessionTable::add_path(const ice::Endpoint& path, SessionId id) { by_path_[path] = id; }

std::optional<SessionId> SessionTable::find_by_ufrag(std::string_view ufrag) const noexcept {
  const auto it = by_ufrag_.find(ufrag);
  if (it == by_ufrag_.end()) return std::nullopt;
  return it->second;
}

std::optional<SessionId> SessionTable::find_by_path(const ice::Endpoint& path) const noexcept {
  const auto it = by_path_.find(path);
  if (it == by_path_.end()) return std::nullopt;
  return it->second;
}

void SessionTable::remove_path(const ice::Endpoint& path) noexcept { by_path_.erase(path); }

void SessionTable::remove_session(SessionId id) {
  std::erase_if(by_ufrag_, [id](const auto& entry) { return entry.second == id; });
  std::erase_if(by_path_, [id](const auto& entry) { return entry.second == id; });
}

}  // namespace tandem::media
