// Message-owned storage for header text: parsing a message copies all of it in one allocation
// instead of one allocation per header, and views into it stay valid while the owner lives
// (moving the owner keeps the blocks where they are).
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace tandem::sip {

class TextArena {
 public:
  TextArena() = default;
  TextArena(TextArena&&) noexcept = default;
  TextArena& operator=(TextArena&&) noexcept = default;
  TextArena(const TextArena&) = delete;
  TextArena& operator=(const TextArena&) = delete;

  // Copies `text` into the arena; the view stays valid until the arena is destroyed.
  std::string_view store(std::string_view text);

 private:
  static constexpr size_t kBlockSize = 1024;

  std::vector<std::unique_ptr<char[]>> blocks_;
  char* cursor_ = nullptr;
  size_t left_ = 0;
};

}  // namespace tandem::sip
