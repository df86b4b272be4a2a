// Closed-form solutions: the ground truth of the tests.
#pragma once

#include "pint/core/compat.hpp"
#include "pint/core/vec.hpp"

namespace pint::core {

// Damped oscillator q'' + 2 zeta omega0 q' + omega0^2 q = 0 from (q0, p0) at
// t = 0, evaluated at time t: under- (zeta < 1), critically (zeta = 1) and
// over-damped (zeta > 1). omega0 > 0, zeta >= 0.
KOKKOS_INLINE_FUNCTION Vec<2> oscillator_exact(double omega0, double zeta, double q0, double p0,
                                               double t) {
  const double a = zeta * omega0;
  if (zeta < 1.0) {
    const double w = omega0 * pint::math::sqrt(1.0 - zeta * zeta);
    const double B = (p0 + a * q0) / w;
    const double e = pint::math::exp(-a * t), c = pint::math::cos(w * t),
                 s = pint::math::sin(w * t);
    return {{e * (q0 * c + B * s), e * (p0 * c - (a * B + w * q0) * s)}};
  }
  if (zeta == 1.0) {
    const double B = p0 + a * q0;
    const double e = pint::math::exp(-a * t);
    return {{e * (q0 + B * t), e * (p0 - a * B * t)}};
  }
  const double d = omega0 * pint::math::sqrt(zeta * zeta - 1.0);
  const double r1 = -a + d, r2 = -a - d;
  const double c1 = (p0 - r2 * q0) / (r1 - r2), c2 = q0 - c1;
  const double e1 = pint::math::exp(r1 * t), e2 = pint::math::exp(r2 * t);
  return {{c1 * e1 + c2 * e2, r1 * c1 * e1 + r2 * c2 * e2}};
}

}  // namespace pint::core
