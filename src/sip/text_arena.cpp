#include "sip/text_arena.hpp"

#include <algorithm>
#include <cstring>

namespace tandem::sip {

std::string_view TextArena::store(std::string_view text) {
  if (text.empty()) return {};
  if (text.size() > left_) {
    // Large texts (a parsed header section) get a block of their own, sized exactly.
    const size_t size = std::max(text.size(), kBlockSize);
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));
    cursor_ = blocks_.back().get();
    left_ = size;
  }
  char* out = cursor_;
  std::memcpy(out, text.data(), text.size());
  cursor_ += text.size();
  left_ -= text.size();
  return {out, text.size()};
}

}  // namespace tandem::sip
