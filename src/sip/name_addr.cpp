#include "sip/name_addr.hpp"

#include <cstdlib>

#include "common/text.hpp"
#include "sip/grammar.hpp"

namespace tandem::sip {
namespace {

Error at(size_t offset, std::string reason) {
  return Error{std::move(reason), 0, static_cast<uint32_t>(offset + 1)};
}

// display-name = *(token LWS) / quoted-string. Unquoted names are tokens separated by whitespace.
Status check_token_display(std::string_view display) {
  for (char c : display) {
    if (!is_token_char(c) && c != ' ' && c != '\t') {
      return Error{"display name with '" + std::string(1, c) + "' must be quoted"};
    }
  }
  return Ok{};
}

// Parses the `<uri>` at the scanner position.
Status parse_bracketed_uri(Scanner& s, NameAddrView& out) {
  const size_t open = s.pos();
  s.advance();  // '<'
  std::string_view inner = s.take_until_any(">");
  if (!s.consume('>')) return at(open, "missing '>' after URI");
  auto uri = parse_uri_view(inner);
  if (!uri) return at(open + uri.error().column, uri.error().reason);
  out.uri = *uri;
  return Ok{};
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::string NameAddr::to_string() const {
  std::string out;
  if (!display_name.empty()) out = quote(display_name) + " ";
  out += "<" + uri.to_string() + ">";
  params.append_to(out);
  return out;
}

Result<NameAddrView> parse_name_addr_view(std::string_view value) {
  Scanner s(value);
  NameAddrView out;
  s.skip_ws();
  if (s.peek() == '"') {
    const size_t start = s.pos();
    if (!s.skip_quoted_string()) return at(start, "unterminated quoted display name");
    out.display_name = value.substr(start, s.pos() - start);
    s.skip_ws();
    if (s.peek() != '<') return at(s.pos(), "expected '<' after the display name");
  } else if (value.find('<') != std::string_view::npos) {
    std::string_view display = trim(s.take_until_any("<"));
    if (Status st = check_token_display(display); !st) return at(0, st.error().reason);
    out.display_name = display;
  }
  if (s.peek() == '<') {
    if (Status st = parse_bracketed_uri(s, out); !st) return st.error();
  } else {
    // addr-spec: the URI cannot contain ';', ',' or '?', so parameters start at the first ';'.
    const size_t start = s.pos();
    std::string_view spec = s.take_until_any("; \t");
    auto uri = parse_uri_view(spec);
    if (!uri) return at(start + uri.error().column - 1, uri.error().reason);
    out.uri = *uri;
  }
  const size_t params_start = s.pos();
  Status params = scan_header_params(
      s, [&out](std::string_view name, std::optional<std::string_view> v) -> Status {
        // tag-param = "tag" EQUAL token: dialogs are matched on it, so a bare `;tag` is an error.
        if (iequals(name, "tag")) {
          if (!v || !is_token(*v)) return Error{"tag parameter needs a token value"};
          if (out.tag.empty()) out.tag = *v;
        }
        return Ok{};
      });
  if (!params) return at(s.pos(), params.error().reason);
  out.params = value.substr(params_start, s.pos() - params_start);
  s.skip_ws();
  if (!s.at_end()) return at(s.pos(), "unexpected character after the address");
  return out;
}

NameAddr to_name_addr(const NameAddrView& view) {
  NameAddr out;
  if (!view.display_name.empty() && view.display_name.front() == '"') {
    Scanner s(view.display_name);
    s.quoted_string(out.display_name);
  } else {
    out.display_name = std::string(view.display_name);
  }
  out.uri = to_uri(view.uri);
  append_header_params(view.params, out.params);
  return out;
}

Result<NameAddr> parse_name_addr(std::string_view value) {
  auto view = parse_name_addr_view(value);
  if (!view) return view.error();
  return to_name_addr(*view);
}

std::optional<uint32_t> contact_expires(const NameAddr& contact) {
  auto v = contact.params.value("expires");
  if (!v) return std::nullopt;
  auto n = parse_uint(*v);
  if (!n) return std::nullopt;
  return static_cast<uint32_t>(*n > UINT32_MAX ? UINT32_MAX : *n);
}

std::optional<double> contact_q(const NameAddr& contact) {
  auto v = contact.params.value("q");
  if (!v || v->empty() || v->size() > 5) return std::nullopt;
  // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
  std::string text(*v);
  char* end = nullptr;
  const double q = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || q < 0.0 || q > 1.0) return std::nullopt;
  return q;
}

std::optional<std::string> contact_instance(const NameAddr& contact) {
  return contact.params.unquoted("+sip.instance");
}

std::optional<uint32_t> contact_reg_id(const NameAddr& contact) {
  auto v = contact.params.value("reg-id");
  if (!v) return std::nullopt;
  auto n = parse_uint(*v, UINT32_MAX);
  if (!n) return std::nullopt;
  return static_cast<uint32_t>(*n);
}

}  // namespace tandem::sip
