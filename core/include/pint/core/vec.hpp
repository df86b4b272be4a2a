// A fixed-size vector of doubles that lives in registers: the state, the
// parameters and the coefficients of one ensemble member inside a kernel.
#pragma once

#include <Kokkos_Core.hpp>

namespace pint::core {

template <int N>
struct Vec {
  static_assert(N > 0, "pint::core::Vec needs at least one component");
  double v[N];

  KOKKOS_FORCEINLINE_FUNCTION constexpr double& operator[](int i) { return v[i]; }
  KOKKOS_FORCEINLINE_FUNCTION constexpr const double& operator[](int i) const { return v[i]; }
  static constexpr int size() { return N; }
};

}  // namespace pint::core
