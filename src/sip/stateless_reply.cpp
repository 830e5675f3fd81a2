#include "sip/stateless_reply.hpp"

#include <array>

#include "common/text.hpp"
#include "sip/message_builder.hpp"

namespace tandem::sip {
namespace {

// Reason phrases are TEXT-UTF8 on one line: drop control characters and keep them short.
std::string sanitize(std::string_view text, size_t max) {
  std::string out;
  for (char c : text) {
    if (out.size() == max) break;
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out.push_back(c);
  }
  return out;
}

struct RawHeaders {
  std::string via, from, to, call_id, cseq;  // whole lines, "Name: value"
};

// Collects the lines a response must echo, tolerating whatever made the parser give up.
bool collect(std::string_view raw, RawHeaders& out) {
  std::string* last = nullptr;
  size_t pos = raw.find('\n');
  while (pos != std::string_view::npos && pos + 1 < raw.size()) {
    const size_t end = raw.find('\n', pos + 1);
    std::string_view line =
        raw.substr(pos + 1, (end == std::string_view::npos ? raw.size() : end) - pos - 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end;
    if (line.empty()) break;  // end of the headers
    if ((line.front() == ' ' || line.front() == '\t') && last != nullptr) {
      *last += " " + std::string(trim(line));
      continue;
    }
    last = nullptr;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const HeaderId id = header_id(trim(line.substr(0, colon)));
    std::string* slot = id == HeaderId::kVia      ? &out.via
                        : id == HeaderId::kFrom   ? &out.from
                        : id == HeaderId::kTo     ? &out.to
                        : id == HeaderId::kCallId ? &out.call_id
                        : id == HeaderId::kCSeq   ? &out.cseq
                                                  : nullptr;
    if (slot == nullptr) continue;
    const std::string value(trim(line.substr(colon + 1)));
    if (id == HeaderId::kVia) {
      if (!slot->empty()) *slot += "\r\n";
      *slot += "Via: " + value;
    } else if (slot->empty()) {
      *slot = std::string(canonical_name(id)) + ": " + value;
    }
    last = slot;
  }
  return !out.via.empty() && !out.from.empty() && !out.to.empty() && !out.call_id.empty() &&
         !out.cseq.empty();
}

bool has_tag(std::string_view to_line) {
  for (size_t i = 0; i + 5 <= to_line.size(); ++i) {
    if (to_line[i] == ';' && iequals(trim(to_line.substr(i + 1, 4)), "tag=")) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> stateless_error_response(std::string_view raw, const Error& error) {
  const size_t first_end = raw.find('\n');
  std::string_view start = trim(raw.substr(0, first_end));
  const size_t space = start.find(' ');
  if (start.empty() || space == std::string_view::npos || iequals(start.substr(0, 4), "SIP/") ||
      start.substr(0, space) == "ACK") {
    return std::nullopt;
  }
  RawHeaders h;
  if (!collect(raw, h)) return std::nullopt;
  if (!has_tag(h.to)) h.to += ";tag=" + random_token(10);
  const int status = error.status != 0 ? error.status : 400;
  std::string out = "SIP/2.0 " + std::to_string(status) + " " +
                    std::string(default_reason(status)) + " (" + sanitize(error.describe(), 160) +
                    ")\r\n";
  for (const std::string* line : {&h.via, &h.from, &h.to, &h.call_id, &h.cseq}) {
    out += *line + "\r\n";
  }
  out += "Content-Length: 0\r\n\r\n";
  return out;
}

void stamp_top_via(Message& request, std::string_view source_ip, uint16_t source_port) {
  const Header* h = request.find(HeaderId::kVia);
  if (h == nullptr) return;
  const std::string_view top = first_comma_item(h->value);
  auto via = parse_via(top);
  if (!via) return;
  // The bracketed form of an IPv6 source compares with a bracketed sent-by.
  const std::string source = source_ip.find(':') != std::string_view::npos
                                 ? "[" + std::string(source_ip) + "]"
                                 : std::string(source_ip);
  if (via->has_rport()) {
    via->params.set("rport", std::to_string(source_port));
    via->params.set("received", std::string(source_ip));
  } else if (!iequals(via->host, source)) {
    via->params.set("received", std::string(source_ip));
  } else {
    return;
  }
  // Rebuild the line: the new top entry, then whatever followed it in the same header line.
  const size_t rest = static_cast<size_t>(top.data() - h->value.data()) + top.size();
  request.replace_first(HeaderId::kVia, via->to_string() + std::string(h->value.substr(rest)));
}

Result<ResponseTarget> response_target(const Message& response) {
  auto via = response.top_via();
  if (!via) return via.error();
  ResponseTarget target;
  if (auto maddr = via->maddr()) {
    target.host = std::string(*maddr);
  } else if (auto received = via->received()) {
    target.host = std::string(*received);
    if (auto rport = via->rport()) {
      target.port = *rport;
      return target;
    }
  } else {
    target.host = via->host;
  }
  if (via->port) target.port = *via->port;
  return target;
}

}  // namespace tandem::sip
