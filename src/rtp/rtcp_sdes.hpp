// Source description (RFC 3550 §6.5): chunks of an SSRC and typed text items.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "rtp/parse_result.hpp"
#include "rtp/rtcp_packet.hpp"

namespace tandem::rtp {

enum class SdesType : uint8_t {
  kEnd = 0,
  kCname = 1,
  kName = 2,
  kEmail = 3,
  kPhone = 4,
  kLoc = 5,
  kTool = 6,
  kNote = 7,
  kPriv = 8,
};

struct SdesItem {
  uint8_t type = 0;
  std::string_view text;  // up to 255 octets, UTF-8 per the RFC but not validated here
};

class SdesView {
 public:
  // Every chunk must hold an SSRC, items that fit, a null terminator and padding to a 32-bit
  // boundary; the chunks must fill the body exactly.
  static ParseResult<SdesView> parse(const RtcpPacket& packet) noexcept;

  size_t chunk_count() const noexcept { return chunks_; }
  // Calls f(chunk_index, ssrc) at each chunk start and g(chunk_index, ssrc, SdesItem) per item.
  template <typename F>
  void for_each_item(F&& f) const noexcept;
  // The CNAME of `ssrc`, or of the first chunk that has one.
  std::optional<std::string_view> cname(uint32_t ssrc) const noexcept;
  std::optional<std::string_view> first_cname() const noexcept;

 private:
  // Walks chunks; on_item returns true to stop. Returns the number of chunks fully walked, or -1
  // if malformed.
  template <typename F>
  static int walk(std::span<const uint8_t> body, size_t chunks, F&& on_item) noexcept;

  std::span<const uint8_t> body_;
  size_t chunks_ = 0;
};

template <typename F>
int SdesView::walk(std::span<const uint8_t> body, size_t chunks, F&& on_item) noexcept {
  size_t i = 0;
  for (size_t c = 0; c < chunks; ++c) {
    if (body.size() - i < 4) return -1;
    const uint32_t ssrc = (uint32_t{body[i]} << 24) | (uint32_t{body[i + 1]} << 16) |
                          (uint32_t{body[i + 2]} << 8) | body[i + 3];
    i += 4;
    for (;;) {
      if (i >= body.size()) return -1;
      const uint8_t type = body[i];
      if (type == 0) {
        i = (i + 4) & ~size_t{3};  // null octet(s), then pad to the next 32-bit boundary
        if (i > body.size()) return -1;
        break;
      }
      if (body.size() - i < 2) return -1;
      const size_t len = body[i + 1];
      if (body.size() - i - 2 < len) return -1;
      const SdesItem item{
          type, std::string_view(reinterpret_cast<const char*>(body.data() + i + 2), len)};
      if (on_item(c, ssrc, item)) return static_cast<int>(c);
      i += 2 + len;
    }
  }
  return i == body.size() ? static_cast<int>(chunks) : -1;
}

template <typename F>
void SdesView::for_each_item(F&& f) const noexcept {
  walk(body_, chunks_, [&](size_t c, uint32_t ssrc, const SdesItem& item) {
    f(c, ssrc, item);
    return false;
  });
}

}  // namespace tandem::rtp
