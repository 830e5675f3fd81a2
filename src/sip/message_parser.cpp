#include "sip/message_parser.hpp"

#include <array>

#include "common/text.hpp"
#include "sip/grammar.hpp"

namespace tandem::sip {
namespace {

constexpr int kVersionNotSupported = 505;
constexpr int kMessageTooLarge = 513;

Error error_at(uint32_t line, size_t column, std::string reason, int status = 0) {
  return Error{std::move(reason), line, static_cast<uint32_t>(column + 1), status};
}

// Walks physical lines (CRLF, or a bare LF from lenient senders), counting them.
class LineReader {
 public:
  explicit LineReader(std::string_view data) : data_(data) {}

  // The next line without its terminator; false at the end of the data (no terminator found).
  bool next(std::string_view& line) {
    const size_t nl = data_.find('\n', pos_);
    if (nl == std::string_view::npos) return false;
    size_t end = nl;
    if (end > pos_ && data_[end - 1] == '\r') --end;
    line = data_.substr(pos_, end - pos_);
    pos_ = nl + 1;
    ++line_number_;
    return true;
  }
  void skip_leading_crlf() {
    while (pos_ < data_.size() && (data_[pos_] == '\r' || data_[pos_] == '\n')) {
      if (data_[pos_] == '\n') ++skipped_lines_;
      ++pos_;
    }
    line_number_ = skipped_lines_;
  }
  uint32_t line_number() const { return line_number_; }
  size_t position() const { return pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  uint32_t line_number_ = 0;
  uint32_t skipped_lines_ = 0;
};

// SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; only 2.0 is supported.
Status check_version(std::string_view v, uint32_t line, size_t column) {
  const bool sip = v.size() > 4 && iequals(v.substr(0, 4), "SIP/");
  const size_t dot = v.find('.');
  if (!sip || dot == std::string_view::npos || !parse_uint(v.substr(4, dot - 4)) ||
      !parse_uint(v.substr(dot + 1))) {
    return error_at(line, column, "malformed SIP version '" + std::string(v) + "'");
  }
  if (v.substr(4) != "2.0") {
    return error_at(line, column, "unsupported SIP version '" + std::string(v) + "'; only SIP/2.0",
                    kVersionNotSupported);
  }
  return Ok{};
}

Status parse_status_line(std::string_view line, uint32_t n, Message& m) {
  const size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return error_at(n, 0, "status line needs a status code");
  if (Status st = check_version(line.substr(0, sp1), n, 0); !st) return st;
  std::string_view code = line.substr(sp1 + 1, 3);
  auto status = parse_uint(code);
  const size_t after = sp1 + 4;
  if (code.size() != 3 || !status || *status < 100 || (after < line.size() && line[after] != ' ')) {
    return error_at(n, sp1 + 1, "status code must be three digits from 100 to 699");
  }
  if (*status > 699) return error_at(n, sp1 + 1, "status code must be from 100 to 699");
  std::string_view reason = after < line.size() ? line.substr(after + 1) : std::string_view();
  m.set_status(static_cast<int>(*status), std::string(reason));
  return Ok{};
}

Result<Message> parse_request_line(std::string_view line, uint32_t n) {
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) {
    return error_at(n, 0, "request line must be 'METHOD Request-URI SIP/2.0'");
  }
  std::string_view method = line.substr(0, sp1);
  if (!is_token(method)) return error_at(n, 0, "method must be a token");
  std::string_view uri_text = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (uri_text.empty()) return error_at(n, sp1 + 1, "extra space before the Request-URI");
  auto uri = parse_uri(uri_text);
  if (!uri) {
    return error_at(n, sp1 + uri.error().column, "bad Request-URI: " + uri.error().reason);
  }
  std::string_view version = line.substr(sp2 + 1);
  if (version.find(' ') != std::string_view::npos || version.empty()) {
    return error_at(n, sp2 + 1, "request line must end with the SIP version, without extra spaces");
  }
  if (Status st = check_version(version, n, sp2 + 1); !st) return st.error();
  return Message::request(std::string(method), std::move(*uri));
}

Result<Message> parse_start_line(std::string_view line, uint32_t n) {
  if (line.empty()) return error_at(n, 0, "empty start line");
  if (line.size() > 4 && iequals(line.substr(0, 4), "SIP/")) {
    Message m;
    if (Status st = parse_status_line(line, n, m); !st) return st.error();
    return m;
  }
  return parse_request_line(line, n);
}

// Reads header lines up to the empty line, unfolding continuation lines. Values stay views of
// `data` (copied into the message once, at the end) unless unfolding had to rebuild them.
Status parse_headers(std::string_view data, LineReader& reader, const ParserLimits& limits,
                     Message& m) {
  const size_t first = reader.position();
  std::vector<Header> headers;
  headers.reserve(16);
  std::string unfolded;  // the current header's value once it has continuation lines
  auto finish_current = [&] {
    if (!headers.empty() && !unfolded.empty()) headers.back().value = m.store(unfolded);
    unfolded.clear();
  };
  std::string_view line;
  while (true) {
    if (!reader.next(line)) {
      return error_at(reader.line_number() + 1, 0, "headers are not ended by an empty line");
    }
    const uint32_t n = reader.line_number();
    if (line.size() > limits.max_line_length) {
      return error_at(n, limits.max_line_length,
                      "line longer than " + std::to_string(limits.max_line_length) + " bytes");
    }
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {
      if (headers.empty()) return error_at(n, 0, "continuation line before any header");
      if (std::string_view more = trim(line); !more.empty()) {
        if (unfolded.empty()) unfolded = headers.back().value;
        if (!unfolded.empty()) unfolded.push_back(' ');
        unfolded.append(more);
      }
      continue;
    }
    if (headers.size() == limits.max_headers) {
      return error_at(n, 0, "more than " + std::to_string(limits.max_headers) + " header lines");
    }
    finish_current();
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return error_at(n, 0, "header line has no ':'");
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    if (!is_token(name)) return error_at(n, 0, "header name must be a token");
    size_t value_start = colon + 1;
    while (value_start < line.size() && (line[value_start] == ' ' || line[value_start] == '\t')) {
      ++value_start;
    }
    headers.push_back(Header{header_id(name), name, trim(line.substr(value_start)), n,
                             static_cast<uint32_t>(value_start + 1)});
  }
  finish_current();
  m.adopt_parsed(data.substr(first, reader.position() - first), std::move(headers));
  return Ok{};
}

constexpr std::array kRequired = {HeaderId::kVia, HeaderId::kFrom, HeaderId::kTo, HeaderId::kCallId,
                                  HeaderId::kCSeq};

// Contact: "*" alone, or name-addrs (RFC 3261 §20.10).
Status check_contacts(const Message& m) {
  size_t count = 0;
  bool wildcard = false;
  Status st = m.check_all(HeaderId::kContact, [&](std::string_view item) -> Status {
    ++count;
    if (item == "*") {
      wildcard = true;
      return Ok{};
    }
    auto r = parse_name_addr_view(item);
    if (!r) return r.error();
    return Ok{};
  });
  if (!st) return st;
  if (wildcard && count > 1) {
    const Header* h = m.find(HeaderId::kContact);
    return error_at(h->line, h->column - 1, "bad Contact header: '*' must be the only contact");
  }
  return Ok{};
}

// Mandatory fields present, single-valued fields once, and the fields that every later layer
// relies on well-formed.
Status validate(const Message& m) {
  std::array<uint8_t, static_cast<size_t>(HeaderId::kCount)> seen{};
  for (const Header& h : m.headers()) {
    if (is_single_header(h.id) && seen[static_cast<size_t>(h.id)]++ > 0) {
      return error_at(h.line, 0,
                      std::string(canonical_name(h.id)) + " header appears more than once");
    }
  }
  for (HeaderId id : kRequired) {
    if (!m.has(id)) {
      return Error{"missing " + std::string(canonical_name(id)) + " header"};
    }
  }
  // Views: checking allocates nothing; typed copies are built only when a layer asks.
  if (auto r = m.first_as(HeaderId::kVia, parse_via_view); !r) return r.error();
  if (auto r = m.first_as(HeaderId::kFrom, parse_name_addr_view); !r) return r.error();
  if (auto r = m.first_as(HeaderId::kTo, parse_name_addr_view); !r) return r.error();
  if (auto r = m.call_id(); !r) return r.error();
  auto cseq = m.cseq();
  if (!cseq) return cseq.error();
  if (m.is_request() && cseq->method != m.method()) {
    const Header* h = m.find(HeaderId::kCSeq);
    return error_at(
        h->line, h->column - 1,
        "CSeq method '" + cseq->method + "' does not match request method '" + m.method() + "'");
  }
  if (m.has(HeaderId::kMaxForwards)) {
    if (auto r = m.max_forwards(); !r) return r.error();
  }
  return check_contacts(m);
  return Ok{};
}

// Applies Content-Length to the bytes after the empty line.
Result<std::string_view> take_body(const Message& m, std::string_view rest, Framing framing) {
  if (!m.has(HeaderId::kContentLength)) {
    if (framing == Framing::kStream)
      return Error{"missing Content-Length header (required on TCP, TLS and WebSocket)"};
    return rest;
  }
  auto length = m.content_length();
  if (!length) return length.error();
  const Header* h = m.find(HeaderId::kContentLength);
  if (*length > rest.size()) {
    return error_at(h->line, h->column - 1,
                    "Content-Length " + std::to_string(*length) + " is larger than the " +
                        std::to_string(rest.size()) + " body bytes received");
  }
  if (framing == Framing::kStream && *length != rest.size()) {
    return error_at(h->line, h->column - 1,
                    "Content-Length " + std::to_string(*length) + " does not match the " +
                        std::to_string(rest.size()) + " body bytes framed");
  }
  return rest.substr(0, *length);
}

}  // namespace

Result<Message> parse_message(std::string_view data, const ParserLimits& limits, Framing framing) {
  if (data.size() > limits.max_message_size) {
    return Error{"message of " + std::to_string(data.size()) + " bytes exceeds the limit of " +
                     std::to_string(limits.max_message_size),
                 0, 0, kMessageTooLarge};
  }
  LineReader reader(data);
  reader.skip_leading_crlf();  // §7.5: CRLFs before the start line are ignored
  std::string_view start;
  if (!reader.next(start)) return Error{"no start line: the message has no line ending", 1, 1};
  if (start.size() > limits.max_line_length) {
    return error_at(reader.line_number(), limits.max_line_length, "start line too long");
  }
  const uint32_t start_line = reader.line_number();
  auto message = parse_start_line(start, start_line);
  if (!message) return message.error();
  if (Status st = parse_headers(data, reader, limits, *message); !st) return st.error();
  if (Status st = validate(*message); !st) {
    Error e = st.error();
    if (e.line == 0) {  // a missing field: point at the start line of the message
      e.line = start_line;
      e.column = 1;
    }
    return e;
  }
  auto body = take_body(*message, data.substr(reader.position()), framing);
  if (!body) return body.error();
  message->set_body(std::string(*body));
  return message;
}

}  // namespace tandem::sip
