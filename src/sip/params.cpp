#include "sip/params.hpp"

#include "common/text.hpp"

namespace tandem::sip {

const Param* Params::find(std::string_view name) const {
  for (const Param& p : items_) {
    if (iequals(p.name, name)) return &p;
  }
  return nullptr;
}

std::optional<std::string_view> Params::value(std::string_view name) const {
  const Param* p = find(name);
  if (p == nullptr || !p->value) return std::nullopt;
  return std::string_view(*p->value);
}

std::optional<std::string> Params::unquoted(std::string_view name) const {
  auto v = value(name);
  if (!v) return std::nullopt;
  if (v->size() >= 2 && v->front() == '"') {
    Scanner s(*v);
    std::string out;
    if (s.quoted_string(out)) return out;
  }
  return std::string(*v);
}

void Params::set(std::string_view name, std::optional<std::string> value) {
  for (Param& p : items_) {
    if (iequals(p.name, name)) {
      p.value = std::move(value);
      return;
    }
  }
  items_.push_back(Param{std::string(name), std::move(value)});
}

bool Params::remove(std::string_view name) {
  for (auto it = items_.begin(); it != items_.end(); ++it) {
    if (iequals(it->name, name)) {
      items_.erase(it);
      return true;
    }
  }
  return false;
}

void Params::append_to(std::string& out, char separator) const {
  for (const Param& p : items_) {
    out.push_back(separator);
    out += p.name;
    if (p.value) {
      out.push_back('=');
      out += *p.value;
    }
  }
}

namespace {

bool is_param_value_char(char c) { return is_token_char(c) || c == ':' || c == '[' || c == ']'; }

}  // namespace

Status parse_header_params(Scanner& s, Params& out) {
  while (s.consume_sep(';')) {
    std::string_view name = s.token();
    if (name.empty()) return Error{"expected a parameter name after ';'"};
    Param param{std::string(name), std::nullopt};
    if (s.consume_sep('=')) {
      const std::string_view rest = s.rest();
      const size_t start = s.pos();
      if (s.peek() == '"') {
        std::string unused;
        if (!s.quoted_string(unused)) {
          return Error{"unterminated quoted string in parameter '" + param.name + "'"};
        }
      } else {
        while (!s.at_end() && is_param_value_char(s.peek())) s.advance();
      }
      if (s.pos() == start) return Error{"parameter '" + param.name + "' has an empty value"};
      param.value = std::string(rest.substr(0, s.pos() - start));
    }
    out.push_back(std::move(param));
  }
  return Ok{};
}

}  // namespace tandem::sip
