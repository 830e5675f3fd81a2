// Attribute and AttributeList: a=<name>[:<value>] lines kept generically and in order.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::sdp {

// One a= line. `value` is everything after the first ':' exactly as received (it may be empty:
// "a=foo:" has an empty value, "a=foo" has none). Typed views parse it on demand.
struct Attribute {
  std::string name;
  std::optional<std::string> value;

  bool operator==(const Attribute&) const = default;
};

// Ordered a= lines of one level (session or media). Names compare case-sensitively, as
// browsers do. Order is preserved so that a parsed description re-serializes line for line.
class AttributeList {
 public:
  using const_iterator = std::vector<Attribute>::const_iterator;
  using iterator = std::vector<Attribute>::iterator;

  AttributeList() = default;
  AttributeList(std::initializer_list<Attribute> attributes) : items_(attributes) {}

  const Attribute* find(std::string_view name) const;
  Attribute* find(std::string_view name);
  std::vector<const Attribute*> find_all(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }

  // Value of the first `name` line; empty if absent or a property attribute without value.
  std::optional<std::string_view> value(std::string_view name) const;
  // Values of all `name` lines that have one, in order.
  std::vector<std::string_view> values(std::string_view name) const;

  void add(std::string name, std::optional<std::string> value = std::nullopt);
  // Replaces the first `name` line's value in place, or appends a new line.
  void set(std::string_view name, std::optional<std::string> value = std::nullopt);
  // Inserts before position `index` (clamped to the end).
  void insert(size_t index, Attribute attribute);
  // Removes every `name` line; returns how many were removed.
  size_t remove(std::string_view name);
  // Removes every line for which `pred(attribute)` is true; returns how many were removed.
  template <typename Pred>
  size_t remove_if(Pred pred) {
    const size_t before = items_.size();
    std::erase_if(items_, pred);
    return before - items_.size();
  }

  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  const Attribute& operator[](size_t i) const { return items_[i]; }
  Attribute& operator[](size_t i) { return items_[i]; }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }

  bool operator==(const AttributeList&) const = default;

 private:
  std::vector<Attribute> items_;
};

}  // namespace tandem::sdp
