#include "media/session_table.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>

namespace tandem::media {

size_t EndpointHash::operator()(const ice::Endpoint& e) const noexcept {
  // IPv4 uses the first word only; the unused bytes of an IPv4 Endpoint are zero anyway.
  const auto address = e.address();
  uint64_t words[2] = {0, 0};
  std::memcpy(words, address.data(), address.size());
  // Port, family and transport in the high half: IPv4's address is all in the low half.
  const uint64_t extra = uint64_t{e.port()} << 48 |
                         uint64_t{static_cast<uint8_t>(e.family())} << 40 |
                         uint64_t{static_cast<uint8_t>(e.transport())} << 32;
  uint64_t h = (words[0] ^ extra) * 0x9E3779B97F4A7C15ULL;
  h = (h ^ (h >> 29) ^ words[1]) * 0xBF58476D1CE4E5B9ULL;
  return static_cast<size_t>(h ^ (h >> 32));
}

bool SessionTable::add_ufrag(std::string_view ufrag, SessionId id) {
  return by_ufrag_.emplace(std::string(ufrag), id).second;
}

void SessionTable::add_path(const ice::Endpoint& path, SessionId id) {
  if ((path_count_ + 1) * 2 > paths_.size()) grow();
  PathSlot& slot = paths_[probe(path)];
  if (!slot.used) {
    slot.path = path;
    slot.used = true;
    ++path_count_;
  }
  slot.id = id;
}

size_t SessionTable::probe(const ice::Endpoint& path) const noexcept {
  const size_t mask = paths_.size() - 1;
  size_t i = home_of(path);
  while (paths_[i].used && !(paths_[i].path == path)) i = (i + 1) & mask;
  return i;
}

void SessionTable::grow() {
  std::vector<PathSlot> old(std::max<size_t>(16, paths_.size() * 2));
  old.swap(paths_);
  path_count_ = 0;
  for (const PathSlot& slot : old) {
    if (slot.used) add_path(slot.path, slot.id);
  }
}

// Backward-shift deletion: later members of the probe run move up into the hole, so lookups
// never need tombstones.
void SessionTable::erase_at(size_t hole) noexcept {
  const size_t mask = paths_.size() - 1;
  paths_[hole].used = false;
  --path_count_;
  for (size_t i = (hole + 1) & mask; paths_[i].used; i = (i + 1) & mask) {
    const size_t home = home_of(paths_[i].path);
    // The entry may fill the hole when its home is not within (hole, i] cyclically.
    const bool home_after_hole =
        hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
    if (home_after_hole) continue;
    paths_[hole] = paths_[i];
    paths_[i].used = false;
    hole = i;
  }
}

std::optional<SessionId> SessionTable::find_by_ufrag(std::string_view ufrag) const noexcept {
  const auto it = by_ufrag_.find(ufrag);
  if (it == by_ufrag_.end()) return std::nullopt;
  return it->second;
}

std::optional<SessionId> SessionTable::find_by_path(const ice::Endpoint& path) const noexcept {
  if (paths_.empty()) return std::nullopt;
  const PathSlot& slot = paths_[probe(path)];
  if (!slot.used) return std::nullopt;
  return slot.id;
}

void SessionTable::remove_path(const ice::Endpoint& path) noexcept {
  if (paths_.empty()) return;
  const size_t slot = probe(path);
  if (paths_[slot].used) erase_at(slot);
}

void SessionTable::remove_session(SessionId id) {
  std::erase_if(by_ufrag_, [id](const auto& entry) { return entry.second == id; });
  // Re-examine a slot after erasing there: the shift may have moved another entry into it.
  for (size_t i = 0; i < paths_.size();) {
    if (paths_[i].used && paths_[i].id == id) {
      erase_at(i);
    } else {
      ++i;
    }
  }
}

}  // namespace tandem::media
