#include "sdp/parser.hpp"

#include <fmt/format.h>

#include "sdp/scan.hpp"

namespace tandem::sdp {
namespace {

using detail::Token;

constexpr uint32_t kValueColumn = 3;  // 1-based column where the text after "x=" starts

std::string_view strip_line_end(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
    line.remove_suffix(1);
  }
  return line;
}

// 1-based line column of a field cut from the text after "x=".
uint32_t column(const Token& t) { return static_cast<uint32_t>(t.offset) + kValueColumn; }

bool is_proto(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c != '/' && !detail::is_token_char(c)) return false;
  }
  return true;
}

// Walks the lines once, filling `sd_`. Each handler returns an Error positioned on the line.
class Parser {
 public:
  explicit Parser(const SdpLimits& limits) : limits_(limits) {}

  Result<SessionDescription> run(std::string_view text);

 private:
  Status line(std::string_view line);
  Status session_line(char type, std::string_view value);
  Status media_line(char type, std::string_view value);
  Status m_line(std::string_view value);
  Status m_port(const Token& token, MediaDescription& m);
  Status repeat_line(std::string_view value);
  Status add_attribute(AttributeList& list, std::string_view value);

  // An error at 1-based `column` of the current line.
  Error error(std::string reason, uint32_t column = 1) const {
    return Error{std::move(reason), line_number_, column};
  }
  // Re-positions an error from a field parser (column within the value) onto the line.
  Error shift(const Error& e) const {
    return error(e.reason, e.column == 0 ? kValueColumn : e.column + kValueColumn - 1);
  }
  Error duplicate(char type) const {
    return error(fmt::format("{}= may appear only once {}", type,
                             sd_.media.empty() ? "at session level" : "per media section"));
  }

  // Stores a parsed field or converts its error; keeps the handlers short.
  template <typename T>
  Status assign(Result<T> parsed, T& out) {
    if (!parsed) return shift(parsed.error());
    out = std::move(parsed).value();
    return Ok{};
  }

  const SdpLimits& limits_;
  SessionDescription sd_;
  uint32_t line_number_ = 0;
  size_t content_lines_ = 0;  // non-blank lines seen so far
  bool seen_session_name_ = false;
};

Result<SessionDescription> Parser::run(std::string_view text) {
  if (text.size() > limits_.max_bytes) {
    return Error{
        fmt::format("description is {} bytes; the limit is {}", text.size(), limits_.max_bytes)};
  }
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view raw = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (++line_number_ > limits_.max_lines) {
      return error(fmt::format("more than {} lines", limits_.max_lines));
    }
    const std::string_view stripped = strip_line_end(raw);
    if (stripped.empty()) continue;  // blank lines (and the final line end) are tolerated
    if (Status s = line(stripped); !s) return s.error();
    ++content_lines_;
  }
  if (content_lines_ == 0) return Error{"empty description: no v= line", 1, 1};
  if (content_lines_ == 1) return Error{"description ends after v=: o= line missing", 1, 1};
  // Some SIP phones omit t=; the only value anyone sends is "0 0" (unbounded), so supply it.
  if (sd_.times.empty()) sd_.times.push_back(Timing{});
  return std::move(sd_);
}

Status Parser::line(std::string_view text) {
  if (text.size() < 2 || text[1] != '=') {
    return error("expected <type>=<value>", text.size() < 2 ? 1 : 2);
  }
  const char type = text[0];
  const std::string_view value = text.substr(2);
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\0' || value[i] == '\r') {
      return error(value[i] == '\0' ? "NUL byte in line" : "stray CR inside line",
                   static_cast<uint32_t>(i) + kValueColumn);
    }
  }
  if (content_lines_ == 0) {
    if (type != 'v') return error("description must start with v=0");
    if (value != "0") {
      return error(fmt::format("unsupported SDP version '{}'", value), kValueColumn);
    }
    return Ok{};
  }
  if (content_lines_ == 1) {
    if (type != 'o') return error("o= line must follow v=");
    return assign(parse_origin(value), sd_.origin);
  }
  if (type == 'v' || type == 'o') {
    return error(fmt::format("{}= may appear only once, at the top", type));
  }
  if (type == 'm') return m_line(value);
  return sd_.media.empty() ? session_line(type, value) : media_line(type, value);
}

Status Parser::session_line(char type, std::string_view value) {
  switch (type) {
    case 's':
      if (seen_session_name_) return duplicate(type);
      seen_session_name_ = true;
      sd_.session_name = std::string(value);
      return Ok{};
    case 'i':
      if (sd_.information) return duplicate(type);
      sd_.information = std::string(value);
      return Ok{};
    case 'u':
      if (sd_.uri) return duplicate(type);
      sd_.uri = std::string(value);
      return Ok{};
    case 'e':
      sd_.emails.emplace_back(value);
      return Ok{};
    case 'p':
      sd_.phones.emplace_back(value);
      return Ok{};
    case 'c':
      if (sd_.connection) return duplicate(type);
      return assign(parse_connection(value), sd_.connection.emplace());
    case 'b':
      return assign(parse_bandwidth(value), sd_.bandwidths.emplace_back());
    case 't':
      return assign(parse_timing(value), sd_.times.emplace_back());
    case 'r':
      return repeat_line(value);
    case 'z':
      if (!sd_.time_zones.empty()) return duplicate(type);
      return assign(parse_time_zones(value), sd_.time_zones);
    case 'k':
      if (sd_.key) return duplicate(type);
      sd_.key = std::string(value);
      return Ok{};
    case 'a':
      return add_attribute(sd_.attributes, value);
    default:
      return error(fmt::format("unknown line type '{}'", type));
  }
}

Status Parser::repeat_line(std::string_view value) {
  if (sd_.times.empty()) return error("r= line must follow a t= line");
  return assign(parse_repeat_time(value), sd_.times.back().repeats.emplace_back());
}

Status Parser::add_attribute(AttributeList& list, std::string_view value) {
  Result<Attribute> a = parse_attribute(value);
  if (!a) return shift(a.error());
  list.add(std::move(a->name), std::move(a->value));
  return Ok{};
}

Status Parser::media_line(char type, std::string_view value) {
  MediaDescription& m = sd_.media.back();
  switch (type) {
    case 'i':
      if (m.title) return duplicate(type);
      m.title = std::string(value);
      return Ok{};
    case 'c':
      // Layered multicast may repeat c= per media; no WebRTC or SIP peer does, so refuse it.
      if (m.connection) return duplicate(type);
      return assign(parse_connection(value), m.connection.emplace());
    case 'b':
      return assign(parse_bandwidth(value), m.bandwidths.emplace_back());
    case 'k':
      if (m.key) return duplicate(type);
      m.key = std::string(value);
      return Ok{};
    case 'a':
      return add_attribute(m.attributes, value);
    case 's':
    case 'u':
    case 'e':
    case 'p':
    case 't':
    case 'r':
    case 'z':
      return error(fmt::format("{}= line is not allowed in a media section", type));
    default:
      return error(fmt::format("unknown line type '{}'", type));
  }
}

// <port>[/<number of ports>]
Status Parser::m_port(const Token& token, MediaDescription& m) {
  const std::string_view port_text = token.text.substr(0, token.text.find('/'));
  const auto port = detail::parse_u16(port_text);
  if (!port) return error(fmt::format("bad port '{}'", port_text), column(token));
  m.port = *port;
  if (port_text.size() == token.text.size()) return Ok{};
  const auto count = detail::parse_u16(token.text.substr(port_text.size() + 1));
  if (!count)
    return error("bad port count", column(token) + static_cast<uint32_t>(port_text.size()) + 1);
  m.port_count = *count;
  return Ok{};
}

Status Parser::m_line(std::string_view value) {
  if (sd_.media.size() >= limits_.max_media) {
    return error(fmt::format("more than {} media sections", limits_.max_media));
  }
  const std::vector<Token> f = detail::split_fields(value);
  if (f.size() < 3) return error("m= line needs <media> <port> <proto> <fmt>...");
  MediaDescription m;
  if (!detail::is_token(f[0].text)) return error("bad media type", column(f[0]));
  m.media = std::string(f[0].text);
  if (Status s = m_port(f[1], m); !s) return s;
  if (!is_proto(f[2].text)) return error("bad transport protocol", column(f[2]));
  m.proto = std::string(f[2].text);
  // A disabled stream (port 0) may list no formats; some SIP phones write it that way.
  if (f.size() == 3 && m.port != 0) return error("m= line needs <media> <port> <proto> <fmt>...");
  for (size_t i = 3; i < f.size(); ++i) m.formats.emplace_back(f[i].text);
  sd_.media.push_back(std::move(m));
  return Ok{};
}

}  // namespace

Result<Attribute> parse_attribute(std::string_view text) {
  const size_t colon = text.find(':');
  const std::string_view name = text.substr(0, colon);
  if (name.empty()) return Error{"attribute name missing", 0, 1};
  for (size_t i = 0; i < name.size(); ++i) {
    if (!detail::is_token_char(name[i])) {
      return Error{"bad character in attribute name", 0, static_cast<uint32_t>(i) + 1};
    }
  }
  Attribute a{std::string(name), std::nullopt};
  if (colon != std::string_view::npos) a.value = std::string(text.substr(colon + 1));
  return a;
}

Result<SessionDescription> parse_sdp(std::string_view text, const SdpLimits& limits) {
  return Parser(limits).run(text);
}

}  // namespace tandem::sdp
