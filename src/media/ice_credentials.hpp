// Our side's ICE credentials (RFC 8445 §5.3, RFC 8839 §5.4). The ufrag's first character names
// the media worker that owns the session: the one ICE-TCP port is shared by all workers
// (DESIGN.md §2), and the acceptor hands a new connection to the owning worker from the USERNAME
// of its first Binding request alone, with no table shared between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace tandem::media {

// One ice-char per worker index.
inline constexpr uint32_t kMaxMediaWorkers = 64;
inline constexpr size_t kLocalUfragLength = 8;  // 1 worker tag + 7 random ice-chars (42 bits)
inline constexpr size_t kLocalPwdLength = 24;   // 144 random bits

// Fails on an out-of-range worker or when OpenSSL has no randomness.
Result<std::string> make_local_ufrag(uint32_t worker);
Result<std::string> make_local_pwd();

// The worker a ufrag of ours names; empty for anything make_local_ufrag cannot have made.
std::optional<uint32_t> worker_of_ufrag(std::string_view ufrag) noexcept;

}  // namespace tandem::media
