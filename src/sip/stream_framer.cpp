#include "sip/stream_framer.hpp"

#include "common/text.hpp"
#include "sip/header_names.hpp"

namespace tandem::sip {
namespace {

constexpr int kMessageTooLarge = 513;

// Offset just past the empty line ending the headers ("\r\n\r\n" or a lenient "\n\n"), or npos.
size_t find_header_end(std::string_view data, size_t from) {
  for (size_t nl = data.find('\n', from); nl != std::string_view::npos;
       nl = data.find('\n', nl + 1)) {
    if (nl + 1 < data.size() && data[nl + 1] == '\n') return nl + 2;
    if (nl + 2 < data.size() && data[nl + 1] == '\r' && data[nl + 2] == '\n') return nl + 3;
  }
  return std::string_view::npos;
}

// Finds the Content-Length value (long or compact name) among header lines.
Result<size_t> content_length(std::string_view headers) {
  std::optional<size_t> found;
  size_t pos = 0;
  while (pos < headers.size()) {
    size_t end = headers.find('\n', pos);
    if (end == std::string_view::npos) end = headers.size();
    std::string_view line = headers.substr(pos, end - pos);
    pos = end + 1;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || line.empty() || line[0] == ' ' || line[0] == '\t') {
      continue;
    }
    if (header_id(trim(line.substr(0, colon))) != HeaderId::kContentLength) continue;
    auto n = parse_uint(trim(line.substr(colon + 1)), UINT32_MAX);
    if (!n) return Error{"bad Content-Length on a stream: cannot find the end of the message"};
    if (found && *found != *n) return Error{"conflicting Content-Length headers on a stream"};
    found = static_cast<size_t>(*n);
  }
  if (!found) return Error{"missing Content-Length header (required on TCP, TLS and WebSocket)"};
  return *found;
}

}  // namespace

void StreamFramer::append(std::string_view data) {
  // Compact once the consumed prefix dominates, so the buffer does not grow without bound.
  if (consumed_ > 0 && consumed_ >= buffer_.size() / 2) {
    buffer_.erase(0, consumed_);
    scan_from_ -= consumed_;
    consumed_ = 0;
  }
  buffer_.append(data);
}

Result<std::optional<StreamFramer::Frame>> StreamFramer::next() {
  while (true) {
    std::string_view data = std::string_view(buffer_).substr(consumed_);
    if (data.empty()) return std::optional<Frame>();
    if (data[0] != '\r' && data[0] != '\n') return next_message();
    // Keep-alives (RFC 5626 §4.4.1): CRLFCRLF is a ping; a lone CRLF is a pong when we opened
    // the connection. Other CRs and LFs before a start line are ignored (RFC 3261 §7.5).
    Frame frame{Frame::Kind::kPing, data.substr(0, 4)};
    if (data.substr(0, 4) != "\r\n\r\n") {
      const bool crlf = data.substr(0, 2) == "\r\n";
      if (crlf && role_ == Role::kConnected) {
        frame = Frame{Frame::Kind::kPong, data.substr(0, 2)};
      } else if (crlf && data.size() < 4 &&
                 data.find_first_not_of("\r\n") == std::string_view::npos) {
        return std::optional<Frame>();  // maybe the first half of a ping: wait for more
      } else if (data.size() < 2 && data[0] == '\r') {
        return std::optional<Frame>();
      } else {
        consumed_ += 1;
        scan_from_ = consumed_;
        continue;
      }
    }
    consumed_ += frame.bytes.size();
    scan_from_ = consumed_;
    return std::optional<Frame>(frame);
  }
}

Result<std::optional<StreamFramer::Frame>> StreamFramer::next_message() {
  std::string_view data = std::string_view(buffer_).substr(consumed_);
  if (pending_size_ != 0) {
    // Headers already parsed: only the body is still arriving, so do not scan them again.
    if (data.size() < pending_size_) return std::optional<Frame>();
    return take_message(pending_size_);
  }
  const size_t resume = scan_from_ > consumed_ + 2 ? scan_from_ - consumed_ - 2 : 0;
  const size_t header_end = find_header_end(data, resume);
  if (header_end == std::string_view::npos) {
    if (data.size() > limits_.max_message_size) {
      return Error{"headers exceed the message size limit of " +
                       std::to_string(limits_.max_message_size) + " bytes",
                   0, 0, kMessageTooLarge};
    }
    scan_from_ = consumed_ + data.size();
    return std::optional<Frame>();
  }
  auto body = content_length(data.substr(0, header_end));
  if (!body) return body.error();
  const size_t total = header_end + *body;
  if (total > limits_.max_message_size) {
    return Error{"message of " + std::to_string(total) + " bytes exceeds the limit of " +
                     std::to_string(limits_.max_message_size),
                 0, 0, kMessageTooLarge};
  }
  if (data.size() < total) {
    pending_size_ = total;
    return std::optional<Frame>();
  }
  return take_message(total);
}

Result<std::optional<StreamFramer::Frame>> StreamFramer::take_message(size_t size) {
  const std::string_view bytes = std::string_view(buffer_).substr(consumed_, size);
  consumed_ += size;
  scan_from_ = consumed_;
  pending_size_ = 0;
  return std::optional<Frame>(Frame{Frame::Kind::kMessage, bytes});
}

}  // namespace tandem::sip
