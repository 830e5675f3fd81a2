#include "sip/message.hpp"

#include "common/text.hpp"
#include "sip/grammar.hpp"

namespace tandem::sip {
namespace {

Error missing(HeaderId id) { return Error{"missing " + std::string(canonical_name(id)) + " header"}; }

Result<uint32_t> parse_number(std::string_view value, uint64_t max) {
  auto n = parse_uint(trim(value), max);
  if (!n) return Error{"expected an integer from 0 to " + std::to_string(max)};
  return static_cast<uint32_t>(*n);
}

}  // namespace

Error Message::header_error(const Header& h, std::string_view item, Error e) {
  const auto offset = static_cast<uint32_t>(item.data() - h.value.data());
  e.reason = "bad " + (h.id == HeaderId::kOther ? h.name : std::string(canonical_name(h.id))) +
             " header: " + e.reason;
  e.line = h.line;
  e.column = h.line == 0 ? 0 : h.column + offset + (e.column > 0 ? e.column - 1 : 0);
  return e;
}

Message Message::request(std::string method, Uri request_uri) {
  Message m;
  m.method_ = std::move(method);
  m.request_uri_ = std::move(request_uri);
  return m;
}

Message Message::response(int status, std::string reason) {
  Message m;
  m.set_status(status, std::move(reason));
  return m;
}

void Message::set_status(int status, std::string reason) {
  status_ = status;
  reason_ = std::move(reason);
}

const Header* Message::find(HeaderId id) const {
  for (const Header& h : headers_) {
    if (h.id == id) return &h;
  }
  return nullptr;
}

const Header* Message::find(std::string_view name) const {
  const HeaderId id = header_id(name);
  if (id != HeaderId::kOther) return find(id);
  for (const Header& h : headers_) {
    if (h.id == HeaderId::kOther && iequals(h.name, name)) return &h;
  }
  return nullptr;
}

std::vector<std::string_view> Message::values(HeaderId id) const {
  std::vector<std::string_view> out;
  for (const Header& h : headers_) {
    if (h.id != id) continue;
    if (is_list_header(id)) {
      for_each_comma_item(h.value, [&out](std::string_view item) { out.push_back(item); });
    } else {
      out.emplace_back(h.value);
    }
  }
  return out;
}

std::vector<std::string_view> Message::values(std::string_view name) const {
  const HeaderId id = header_id(name);
  if (id != HeaderId::kOther) return values(id);
  std::vector<std::string_view> out;
  for (const Header& h : headers_) {
    if (h.id == HeaderId::kOther && iequals(h.name, name)) out.push_back(h.value);
  }
  return out;
}

void Message::add(HeaderId id, std::string value) {
  headers_.push_back(Header{id, std::string(canonical_name(id)), std::move(value)});
}

void Message::add(std::string name, std::string value) {
  const HeaderId id = header_id(name);
  if (id != HeaderId::kOther) name = std::string(canonical_name(id));
  headers_.push_back(Header{id, std::move(name), std::move(value)});
}

void Message::prepend(HeaderId id, std::string value) {
  headers_.insert(headers_.begin(), Header{id, std::string(canonical_name(id)), std::move(value)});
}

void Message::set(HeaderId id, std::string value) {
  for (auto it = headers_.begin(); it != headers_.end(); ++it) {
    if (it->id == id) {
      *it = Header{id, std::string(canonical_name(id)), std::move(value)};
      std::erase_if(headers_, [&](const Header& h) { return h.id == id && &h != &*it; });
      return;
    }
  }
  add(id, std::move(value));
}

size_t Message::remove(HeaderId id) {
  return std::erase_if(headers_, [id](const Header& h) { return h.id == id; });
}

size_t Message::remove(std::string_view name) {
  const HeaderId id = header_id(name);
  if (id != HeaderId::kOther) return remove(id);
  return std::erase_if(headers_,
                       [name](const Header& h) { return h.id == HeaderId::kOther && iequals(h.name, name); });
}

Result<Via> Message::top_via() const { return first_as(HeaderId::kVia, parse_via); }

Result<std::vector<Via>> Message::vias() const { return all_as(HeaderId::kVia, parse_via); }

Result<NameAddr> Message::from() const { return first_as(HeaderId::kFrom, parse_name_addr); }
Result<NameAddr> Message::to() const { return first_as(HeaderId::kTo, parse_name_addr); }
Result<NameAddr> Message::refer_to() const { return first_as(HeaderId::kReferTo, parse_name_addr); }
Result<NameAddr> Message::referred_by() const {
  return first_as(HeaderId::kReferredBy, parse_name_addr);
}

Result<std::string_view> Message::call_id() const {
  const Header* h = find(HeaderId::kCallId);
  if (h == nullptr) return missing(HeaderId::kCallId);
  // callid = word [ "@" word ]
  std::string_view v = h->value;
  const size_t at = v.find('@');
  auto words_ok = [](std::string_view w) {
    if (w.empty()) return false;
    for (char c : w) {
      if (!is_word_char(c)) return false;
    }
    return true;
  };
  if (!words_ok(v.substr(0, at)) || (at != std::string_view::npos && !words_ok(v.substr(at + 1)))) {
    return Error{"bad Call-ID header: must be word[@word]", h->line, h->column};
  }
  return v;
}

Result<CSeq> Message::cseq() const { return first_as(HeaderId::kCSeq, parse_cseq); }

Result<uint32_t> Message::max_forwards() const {
  return first_as(HeaderId::kMaxForwards, [](std::string_view v) { return parse_number(v, 255); });
}

Result<uint32_t> Message::content_length() const {
  return first_as(HeaderId::kContentLength,
                  [](std::string_view v) { return parse_number(v, UINT32_MAX); });
}

Result<ContactList> Message::contacts() const {
  ContactList out;
  std::vector<std::string_view> items = values(HeaderId::kContact);
  if (items.size() == 1 && items[0] == "*") {
    out.wildcard = true;
    return out;
  }
  for (std::string_view item : items) {
    if (item == "*") return Error{"bad Contact header: '*' must be the only contact"};
  }
  auto list = all_as(HeaderId::kContact, parse_name_addr);
  if (!list) return list.error();
  out.contacts = std::move(*list);
  return out;
}

Result<std::vector<NameAddr>> Message::routes() const {
  return all_as(HeaderId::kRoute, parse_name_addr);
}
Result<std::vector<NameAddr>> Message::record_routes() const {
  return all_as(HeaderId::kRecordRoute, parse_name_addr);
}
Result<std::vector<NameAddr>> Message::paths() const { return all_as(HeaderId::kPath, parse_name_addr); }

std::string_view default_reason(int status) {
  switch (status) {
    case 100: return "Trying";
    case 180: return "Ringing";
    case 181: return "Call Is Being Forwarded";
    case 182: return "Queued";
    case 183: return "Session Progress";
    case 200: return "OK";
    case 202: return "Accepted";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Moved Temporarily";
    case 380: return "Alternative Service";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 410: return "Gone";
    case 413: return "Request Entity Too Large";
    case 414: return "Request-URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Unsupported URI Scheme";
    case 420: return "Bad Extension";
    case 421: return "Extension Required";
    case 422: return "Session Interval Too Small";
    case 423: return "Interval Too Brief";
    case 480: return "Temporarily Unavailable";
    case 481: return "Call/Transaction Does Not Exist";
    case 482: return "Loop Detected";
    case 483: return "Too Many Hops";
    case 484: return "Address Incomplete";
    case 485: return "Ambiguous";
    case 486: return "Busy Here";
    case 487: return "Request Terminated";
    case 488: return "Not Acceptable Here";
    case 489: return "Bad Event";
    case 491: return "Request Pending";
    case 493: return "Undecipherable";
    case 500: return "Server Internal Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Server Time-out";
    case 505: return "Version Not Supported";
    case 513: return "Message Too Large";
    case 600: return "Busy Everywhere";
    case 603: return "Decline";
    case 604: return "Does Not Exist Anywhere";
    case 606: return "Not Acceptable";
    default: return "";
  }
}

}  // namespace tandem::sip
