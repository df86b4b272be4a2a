// Flat key -> value lists written as HDF5 attributes (the run configuration,
// the parameters a plot needs): each value a string, a double or an integer.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace pint::io {

class AttributeValue {
 public:
  using Variant = std::variant<std::string, double, std::int64_t>;

  AttributeValue(std::string text) : value_(std::move(text)) {}
  AttributeValue(const char* text) : value_(std::string(text)) {}
  AttributeValue(double number) : value_(number) {}
  AttributeValue(float number) : value_(static_cast<double>(number)) {}
  // Every integer type (and bool, stored as 0 or 1) becomes a 64-bit integer.
  template <class Int, std::enable_if_t<std::is_integral_v<Int>, int> = 0>
  AttributeValue(Int number) : value_(static_cast<std::int64_t>(number)) {}

  const Variant& get() const noexcept { return value_; }
  bool operator==(const AttributeValue& other) const { return value_ == other.value_; }

 private:
  Variant value_;
};

struct Attribute {
  std::string name;
  AttributeValue value;
};

using Attributes = std::vector<Attribute>;

}  // namespace pint::io
