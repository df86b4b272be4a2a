// A clock that adds the wall time of its lifetime to a running total: seconds
// to a double, or nanoseconds to an std::atomic<std::int64_t> (a total that
// another thread reads while this one adds to it). Host code only.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <type_traits>

namespace pint::core {

template <class Total>
class ScopedClock {
  static_assert(std::is_same_v<Total, double> || std::is_same_v<Total, std::atomic<std::int64_t>>,
                "pint::core::ScopedClock: the total is a double (seconds) or an "
                "std::atomic<std::int64_t> (nanoseconds)");

 public:
  explicit ScopedClock(Total& total) : total_(total), start_(std::chrono::steady_clock::now()) {}
  ~ScopedClock() {
    const auto elapsed = std::chrono::steady_clock::now() - start_;
    if constexpr (std::is_same_v<Total, double>)
      total_ += std::chrono::duration<double>(elapsed).count();
    else
      total_ += std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count();
  }
  ScopedClock(const ScopedClock&) = delete;
  ScopedClock& operator=(const ScopedClock&) = delete;

 private:
  Total& total_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace pint::core
