// Splits a reliable byte stream (TCP, TLS, WebSocket text) into SIP messages by Content-Length
// (RFC 3261 §18.3) and recognises RFC 5626 §4.4.1 keep-alives.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "sip/message_parser.hpp"

namespace tandem::sip {

class StreamFramer {
 public:
  struct Frame {
    enum class Kind {
      kMessage,  // `bytes` holds one whole message, ready for parse_message(..., kStream)
      kPing,     // CRLFCRLF: answer with a single CRLF
      kPong,     // a single CRLF: the answer to our ping (Role::kConnected only)
    };
    Kind kind;
    std::string_view bytes;  // valid until the next call to append() or next()
  };

  // Which end of the connection we are, for RFC 5626 keep-alives: the side that accepted the
  // connection receives pings (CRLFCRLF); the side that opened it receives pongs (CRLF).
  enum class Role { kAccepted, kConnected };

  explicit StreamFramer(Role role = Role::kAccepted, const ParserLimits& limits = {})
      : role_(role), limits_(limits) {}

  void append(std::string_view data);
  // The next complete frame; an empty optional when more bytes are needed. An Error means the
  // stream cannot be resynchronised (missing or bad Content-Length, oversize message): close it.
  Result<std::optional<Frame>> next();

  size_t buffered() const { return buffer_.size() - consumed_; }

 private:
  Result<std::optional<Frame>> next_message();
  Result<std::optional<Frame>> take_message(size_t size);

  Role role_;
  ParserLimits limits_;
  std::string buffer_;
  size_t consumed_ = 0;      // bytes of buffer_ already returned as frames
  size_t scan_from_ = 0;     // where the search for the end of the headers resumes
  size_t pending_size_ = 0;  // size of the message at consumed_ once its headers are in; else 0
};

}  // namespace tandem::sip
