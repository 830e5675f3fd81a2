// A SIP message: request or response, ordered header fields, body (RFC 3261 §7).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/result.hpp"
#include "sip/cseq.hpp"
#include "sip/grammar.hpp"
#include "sip/header_names.hpp"
#include "sip/name_addr.hpp"
#include "sip/text_arena.hpp"
#include "sip/uri.hpp"
#include "sip/via.hpp"

namespace tandem::sip {

// Name and value are views into the owning Message's storage.
struct Header {
  HeaderId id = HeaderId::kOther;
  std::string_view name;   // as received; serialized in canonical form when `id` is known
  std::string_view value;  // unfolded (each fold becomes one space), trimmed
  uint32_t line = 0;       // 1-based line of the header in the parsed input; 0 when built in code
  uint32_t column = 0;     // 1-based column where the value starts
};

class Message {
 public:
  static Message request(std::string method, Uri request_uri);
  static Message response(int status, std::string reason);

  Message() = default;
  Message(Message&&) noexcept = default;
  Message& operator=(Message&&) noexcept = default;
  // Copies re-home every header into the new message's own storage.
  Message(const Message& other);
  Message& operator=(const Message& other);

  bool is_request() const { return !method_.empty(); }
  const std::string& method() const { return method_; }
  const Uri& request_uri() const { return request_uri_; }
  Uri& request_uri() { return request_uri_; }
  int status() const { return status_; }
  const std::string& reason() const { return reason_; }
  void set_status(int status, std::string reason);

  // --- generic header access, in wire order ---
  const std::vector<Header>& headers() const { return headers_; }
  bool has(HeaderId id) const { return find(id) != nullptr; }
  const Header* find(HeaderId id) const;
  const Header* find(std::string_view name) const;  // any spelling, long or compact
  // All values of a field in order: every header line, split at top-level commas for list
  // fields (so `Route: a, b` and two Route lines are the same).
  std::vector<std::string_view> values(HeaderId id) const;
  std::vector<std::string_view> values(std::string_view name) const;

  void add(HeaderId id, std::string_view value);
  void add(std::string_view name, std::string_view value);  // unknown fields keep their spelling
  void prepend(HeaderId id, std::string_view value);        // for Via and Record-Route
  void set(HeaderId id, std::string_view value);            // replaces every line of that field
  void replace_first(HeaderId id, std::string_view value);  // the first line's value only
  size_t remove(HeaderId id);
  size_t remove(std::string_view name);
  // For the parser: headers whose views point into `text`, which is copied into the message's
  // storage in one piece (and the views moved onto the copy). Unfolded values are stored first.
  void adopt_parsed(std::string_view text, std::vector<Header> headers);
  std::string_view store(std::string_view text) { return arena_.store(text); }

  const std::string& body() const { return body_; }
  void set_body(std::string body) { body_ = std::move(body); }

  // --- typed access; a missing field is an error naming it ---
  Result<Via> top_via() const;
  Result<std::vector<Via>> vias() const;
  Result<NameAddr> from() const;
  Result<NameAddr> to() const;
  Result<std::string_view> call_id() const;
  Result<CSeq> cseq() const;
  Result<uint32_t> max_forwards() const;
  Result<ContactList> contacts() const;
  Result<std::vector<NameAddr>> routes() const;
  Result<std::vector<NameAddr>> record_routes() const;
  Result<std::vector<NameAddr>> paths() const;
  Result<NameAddr> refer_to() const;
  Result<NameAddr> referred_by() const;
  // Content-Length as written (the serializer always writes the body's real length).
  Result<uint32_t> content_length() const;

  // Any field through its value parser (a function from std::string_view to Result<T>, such as
  // parse_session_expires or parse_auth_header). Errors carry the field's line and column.
  template <typename Parse>
  auto first_as(HeaderId id, Parse&& parse) const -> decltype(parse(std::string_view()));
  template <typename Parse>
  auto all_as(HeaderId id, Parse&& parse) const
      -> Result<std::vector<std::decay_t<decltype(*parse(std::string_view()))>>>;
  // Runs `check` (std::string_view -> Result<T> or Status) on every value of a field, keeping
  // nothing; the first failure, located, is returned.
  template <typename Check>
  Status check_all(HeaderId id, Check&& check) const;

 private:
  // A value parser's error, moved onto the header's position and naming the field.
  static Error header_error(const Header& h, std::string_view item, Error e);

  std::string method_;  // empty for responses
  Uri request_uri_;
  int status_ = 0;
  std::string reason_;
  TextArena arena_;
  std::vector<Header> headers_;
  std::string body_;
};

template <typename Parse>
auto Message::first_as(HeaderId id, Parse&& parse) const -> decltype(parse(std::string_view())) {
  const Header* h = find(id);
  if (h == nullptr) return Error{"missing " + std::string(canonical_name(id)) + " header"};
  const std::string_view item = is_list_header(id) ? first_comma_item(h->value) : h->value;
  auto parsed = parse(item);
  if (!parsed) return header_error(*h, item, parsed.error());
  return parsed;
}

template <typename Parse>
auto Message::all_as(HeaderId id, Parse&& parse) const
    -> Result<std::vector<std::decay_t<decltype(*parse(std::string_view()))>>> {
  std::vector<std::decay_t<decltype(*parse(std::string_view()))>> out;
  for (const Header& h : headers_) {
    if (h.id != id) continue;
    std::optional<Error> failure;
    auto one = [&](std::string_view item) {
      if (failure) return;
      auto parsed = parse(item);
      if (!parsed) {
        failure = header_error(h, item, parsed.error());
      } else {
        out.push_back(std::move(*parsed));
      }
    };
    if (is_list_header(id)) {
      for_each_comma_item(h.value, one);
    } else {
      one(h.value);
    }
    if (failure) return *failure;
  }
  return out;
}

template <typename Check>
Status Message::check_all(HeaderId id, Check&& check) const {
  std::optional<Error> failure;
  for (const Header& h : headers_) {
    if (h.id != id) continue;
    auto one = [&](std::string_view item) {
      if (failure) return;
      auto r = check(item);
      if (!r) failure = header_error(h, item, r.error());
    };
    if (is_list_header(id)) {
      for_each_comma_item(h.value, one);
    } else {
      one(h.value);
    }
    if (failure) return *failure;
  }
  return Ok{};
}

// The reason phrase RFC 3261 §21 gives for a status code ("Not Found"), or "" if unknown.
std::string_view default_reason(int status);

}  // namespace tandem::sip
