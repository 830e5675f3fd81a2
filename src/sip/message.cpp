#include "sip/message.hpp"

#include "common/text.hpp"
#include "sip/grammar.hpp"

namespace tandem::sip {
namespace {

Error missing(HeaderId id) {
  return Error{"missing " + std::string(canonical_name(id)) + " header"};
}

Result<uint32_t> parse_number(std::string_view value, uint64_t max) {
  auto n = parse_uint(trim(value), max);
  if (!n) return Error{"expected an integer from 0 to " + std::to_string(max)};
  return static_cast<uint32_t>(*n);
}

}  // namespace

Error Message::header_error(const Header& h, std::string_view item, Error e) {
  const auto offset = static_cast<uint32_t>(item.data() - h.value.data());
  e.reason = "bad " + std::string(h.id == HeaderId::kOther ? h.name : canonical_name(h.id)) +
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

Message::Message(const Message& other)
    : method_(other.method_),
      request_uri_(other.request_uri_),
      status_(other.status_),
      reason_(other.reason_),
      body_(other.body_) {
  headers_.reserve(other.headers_.size());
  for (const Header& h : other.headers_) {
    headers_.push_back(Header{h.id, arena_.store(h.name), arena_.store(h.value), h.line, h.column});
  }
}

Message& Message::operator=(const Message& other) {
  if (this != &other) *this = Message(other);
  return *this;
}

void Message::adopt_parsed(std::string_view text, std::vector<Header> headers) {
  const std::string_view copy = arena_.store(text);
  auto rehome = [&](std::string_view v) {
    if (v.data() < text.data() || v.data() > text.data() + text.size()) return v;  // unfolded
    return copy.substr(static_cast<size_t>(v.data() - text.data()), v.size());
  };
  headers_ = std::move(headers);
  for (Header& h : headers_) {
    h.name = rehome(h.name);
    h.value = rehome(h.value);
  }
}

void Message::add(HeaderId id, std::string_view value) {
  headers_.push_back(Header{id, canonical_name(id), arena_.store(value)});
}

void Message::add(std::string_view name, std::string_view value) {
  const HeaderId id = header_id(name);
  const std::string_view stored = id != HeaderId::kOther ? canonical_name(id) : arena_.store(name);
  headers_.push_back(Header{id, stored, arena_.store(value)});
}

void Message::prepend(HeaderId id, std::string_view value) {
  headers_.insert(headers_.begin(), Header{id, canonical_name(id), arena_.store(value)});
}

void Message::set(HeaderId id, std::string_view value) {
  const std::string_view stored = arena_.store(value);
  bool replaced = false;
  std::erase_if(headers_, [&](Header& h) {
    if (h.id != id) return false;
    if (replaced) return true;
    h = Header{id, canonical_name(id), stored};
    replaced = true;
    return false;
  });
  if (!replaced) headers_.push_back(Header{id, canonical_name(id), stored});
}

void Message::replace_first(HeaderId id, std::string_view value) {
  for (Header& h : headers_) {
    if (h.id == id) {
      h.value = arena_.store(value);
      return;
    }
  }
  add(id, value);
}

size_t Message::remove(HeaderId id) {
  return std::erase_if(headers_, [id](const Header& h) { return h.id == id; });
}

size_t Message::remove(std::string_view name) {
  const HeaderId id = header_id(name);
  if (id != HeaderId::kOther) return remove(id);
  return std::erase_if(headers_, [name](const Header& h) {
    return h.id == HeaderId::kOther && iequals(h.name, name);
  });
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
  size_t count = 0;
  auto list = all_as(HeaderId::kContact, [&](std::string_view item) -> Result<NameAddr> {
    ++count;
    if (item != "*") return parse_name_addr(item);
    out.wildcard = true;
    return NameAddr{};
  });
  if (!list) return list.error();
  if (out.wildcard && count > 1) return Error{"bad Contact header: '*' must be the only contact"};
  if (!out.wildcard) out.contacts = std::move(*list);
  return out;
}

Result<std::vector<NameAddr>> Message::routes() const {
  return all_as(HeaderId::kRoute, parse_name_addr);
}
Result<std::vector<NameAddr>> Message::record_routes() const {
  return all_as(HeaderId::kRecordRoute, parse_name_addr);
}
Result<std::vector<NameAddr>> Message::paths() const {
  return all_as(HeaderId::kPath, parse_name_addr);
}

struct ReasonEntry {
  int status;
  std::string_view reason;
};

// RFC 3261 §21 and the extensions Tandem meets (RFC 3262, 3265, 3329, 4028, 6665).
constexpr ReasonEntry kReasons[] = {
    {100, "Trying"},
    {180, "Ringing"},
    {181, "Call Is Being Forwarded"},
    {182, "Queued"},
    {183, "Session Progress"},
    {200, "OK"},
    {202, "Accepted"},
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Moved Temporarily"},
    {380, "Alternative Service"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"},
    {408, "Request Timeout"},
    {410, "Gone"},
    {413, "Request Entity Too Large"},
    {414, "Request-URI Too Long"},
    {415, "Unsupported Media Type"},
    {416, "Unsupported URI Scheme"},
    {420, "Bad Extension"},
    {421, "Extension Required"},
    {422, "Session Interval Too Small"},
    {423, "Interval Too Brief"},
    {480, "Temporarily Unavailable"},
    {481, "Call/Transaction Does Not Exist"},
    {482, "Loop Detected"},
    {483, "Too Many Hops"},
    {484, "Address Incomplete"},
    {485, "Ambiguous"},
    {486, "Busy Here"},
    {487, "Request Terminated"},
    {488, "Not Acceptable Here"},
    {489, "Bad Event"},
    {491, "Request Pending"},
    {493, "Undecipherable"},
    {500, "Server Internal Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Server Time-out"},
    {505, "Version Not Supported"},
    {513, "Message Too Large"},
    {600, "Busy Everywhere"},
    {603, "Decline"},
    {604, "Does Not Exist Anywhere"},
    {606, "Not Acceptable"},
};

std::string_view default_reason(int status) {
  for (const ReasonEntry& e : kReasons) {
    if (e.status == status) return e.reason;
  }
  return "";
}

}  // namespace tandem::sip
