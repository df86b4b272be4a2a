// The checksum of a per-solve file's datasets: sum over every value of its
// 64-bit pattern times (2 i + 1), i its row-major index in the whole dataset,
// modulo 2^64. Any change of one value changes it (the factor is odd), it
// costs one multiply-add per value, and the parts of a dataset written by
// several ranks, in any order, add up to the same sum.
#pragma once

#include <cstdint>
#include <cstring>

namespace pint::io::Impl {

// Adds values [0, count) at row-major indices [index, index + count).
template <class T>
std::uint64_t checksum_add(std::uint64_t sum, const T* values, std::int64_t count,
                           std::uint64_t index) {
  static_assert(sizeof(T) == sizeof(std::uint64_t), "checksum_add: 64-bit values only");
  std::uint64_t factor = 2 * index + 1;
  for (std::int64_t i = 0; i < count; ++i) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, values + i, sizeof bits);
    sum += bits * factor;
    factor += 2;
  }
  return sum;
}

// The attribute each checksummed dataset carries (an int64 holding the bits).
inline constexpr const char* checksum_attribute = "checksum";

}  // namespace pint::io::Impl
