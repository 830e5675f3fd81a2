// Parses one SIP message from bytes (RFC 3261 §7, §18.3). Never throws: malformed input gives an
// Error with the line, column and reason, and the SIP status to answer with (Error::status).
#pragma once

#include <cstddef>
#include <string_view>

#include "common/result.hpp"
#include "sip/message.hpp"

namespace tandem::sip {

struct ParserLimits {
  size_t max_message_size = 65535;  // bytes, start line to end of body (answered with 513)
  size_t max_headers = 256;         // header fields (a field with continuation lines is one)
  size_t max_line_length = 16384;   // bytes in one physical line
};

enum class Framing {
  kDatagram,  // UDP: Content-Length optional; bytes beyond it are discarded (§18.3)
  kStream,    // TCP/TLS/WS: Content-Length mandatory and must match the body exactly
};

Result<Message> parse_message(std::string_view data, const ParserLimits& limits = {},
                              Framing framing = Framing::kDatagram);

}  // namespace tandem::sip
