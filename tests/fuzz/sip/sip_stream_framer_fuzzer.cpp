// libFuzzer target for the stream framer. The first two input bytes pick the chunk sizes (and the
// low bit of the first the keep-alive role); the rest is fed in those chunks and drained after
// each one. Invariants: frames are contiguous and
// never cover more bytes than were fed, the buffered count matches, and every message frame
// reaches the parser in one piece.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sip/message_parser.hpp"
#include "sip/stream_framer.hpp"

namespace {

using namespace tandem::sip;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  // Chunk sizes cycle between two values from 1 to 256, so both byte-at-a-time delivery and
  // larger reads that split headers, keep-alives and bodies at odd places get covered.
  const size_t chunk_a = static_cast<size_t>(data[0]) + 1;
  const size_t chunk_b = static_cast<size_t>(data[1]) + 1;
  const std::string_view stream(reinterpret_cast<const char*>(data + 2), size - 2);

  StreamFramer framer((data[0] & 1) != 0 ? StreamFramer::Role::kConnected
                                         : StreamFramer::Role::kAccepted);
  size_t fed = 0;       // bytes appended so far
  size_t expected = 0;  // offset in `stream` just past the previous frame
  bool failed = false;
  for (size_t round = 0; fed < stream.size() && !failed; ++round) {
    const size_t n = std::min(round % 2 == 0 ? chunk_a : chunk_b, stream.size() - fed);
    framer.append(stream.substr(fed, n));
    fed += n;
    check(framer.buffered() <= fed - expected, "framer buffers bytes it already returned");
    while (true) {
      auto next = framer.next();
      if (!next) {
        (void)next.error().describe();
        failed = true;
        break;
      }
      check(framer.buffered() <= fed - expected, "framer buffers more bytes than were fed");
      if (!next->has_value()) break;
      const StreamFramer::Frame frame = **next;
      check(!frame.bytes.empty(), "empty frame");
      // The frame ends where the still-buffered bytes begin; it starts after the previous frame
      // plus any stray CR/LF, which are the only bytes the framer may skip.
      const size_t end = fed - framer.buffered();
      check(end >= expected + frame.bytes.size(), "frame overlaps the previous one");
      const size_t begin = end - frame.bytes.size();
      for (size_t i = expected; i < begin; ++i) {
        check(stream[i] == '\r' || stream[i] == '\n', "framer skipped a byte that is not CR/LF");
      }
      check(stream.substr(begin, frame.bytes.size()) == frame.bytes, "frame is not contiguous");
      expected = end;
      switch (frame.kind) {
        case StreamFramer::Frame::Kind::kPing:
          check(frame.bytes == "\r\n\r\n", "ping frame is not CRLFCRLF");
          break;
        case StreamFramer::Frame::Kind::kPong:
          check(frame.bytes == "\r\n", "pong frame is not CRLF");
          break;
        case StreamFramer::Frame::Kind::kMessage: {
          check(frame.bytes.front() != '\r' && frame.bytes.front() != '\n',
                "message frame starts with CR/LF");
          auto m = parse_message(frame.bytes, {}, Framing::kStream);
          if (!m) (void)m.error().describe();
          break;
        }
      }
    }
  }
  return 0;
}
