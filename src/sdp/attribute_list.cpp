#include "sdp/attribute_list.hpp"

#include <algorithm>

namespace tandem::sdp {

const Attribute* AttributeList::find(std::string_view name) const {
  for (const Attribute& a : items_) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

Attribute* AttributeList::find(std::string_view name) {
  for (Attribute& a : items_) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::vector<const Attribute*> AttributeList::find_all(std::string_view name) const {
  std::vector<const Attribute*> found;
  for (const Attribute& a : items_) {
    if (a.name == name) found.push_back(&a);
  }
  return found;
}

std::optional<std::string_view> AttributeList::value(std::string_view name) const {
  const Attribute* a = find(name);
  if (a == nullptr || !a->value) return std::nullopt;
  return std::string_view(*a->value);
}

std::vector<std::string_view> AttributeList::values(std::string_view name) const {
  std::vector<std::string_view> found;
  for (const Attribute& a : items_) {
    if (a.name == name && a.value) found.emplace_back(*a.value);
  }
  return found;
}

void AttributeList::add(std::string name, std::optional<std::string> value) {
  items_.push_back({std::move(name), std::move(value)});
}

void AttributeList::set(std::string_view name, std::optional<std::string> value) {
  if (Attribute* a = find(name)) {
    a->value = std::move(value);
    return;
  }
  add(std::string(name), std::move(value));
}

void AttributeList::insert(size_t index, Attribute attribute) {
  const size_t at = std::min(index, items_.size());
  items_.insert(items_.begin() + static_cast<std::ptrdiff_t>(at), std::move(attribute));
}

size_t AttributeList::remove(std::string_view name) {
  return remove_if([name](const Attribute& a) { return a.name == name; });
}

}  // namespace tandem::sdp
