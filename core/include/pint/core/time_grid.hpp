// Time grids: slice boundaries and step counts, computed exactly as the seed
// tutorial's numpy code does.
#pragma once

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace pint::core {

// numpy.linspace(t0, t1, num): t0 + k (t1 - t0) / (num - 1), the last point exactly t1.
inline std::vector<double> linspace(double t0, double t1, std::int64_t num) {
  if (num < 2) throw std::invalid_argument("linspace needs at least 2 points");
  std::vector<double> t(static_cast<size_t>(num));
  const double step = (t1 - t0) / static_cast<double>(num - 1);
  for (std::int64_t k = 0; k < num; ++k)
    t[static_cast<size_t>(k)] = static_cast<double>(k) * step + t0;
  t.back() = t1;
  return t;
}

// Steps of size at most h covering [t0, t1]: ceil((t1 - t0) / h), at least 1.
inline std::int64_t steps_for(double t0, double t1, double h) {
  if (!(h > 0.0) || !std::isfinite(h)) {
    throw std::invalid_argument("step size must be a positive finite number, got " +
                                std::to_string(h));
  }
  if (!(t1 > t0)) throw std::invalid_argument("time span must have t1 > t0");
  const double n = std::ceil((t1 - t0) / h);
  if (n > 9.0e15)
    throw std::invalid_argument("step size " + std::to_string(h) + " gives too many steps");
  return n < 1.0 ? 1 : static_cast<std::int64_t>(n);
}

}  // namespace pint::core
