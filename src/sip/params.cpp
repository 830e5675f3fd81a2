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

Status parse_header_params(Scanner& s, Params& out) {
  return scan_header_params(
      s, [&out](std::string_view name, std::optional<std::string_view> value) {
        out.push_back(
            Param{std::string(name), value ? std::optional<std::string>(*value) : std::nullopt});
        return Status(Ok{});
      });
}

void append_header_params(std::string_view checked, Params& out) {
  Scanner s(checked);
  (void)parse_header_params(s, out);
}

}  // namespace tandem::sip
