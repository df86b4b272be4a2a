// ODE systems y' = f(t, y) for ensembles. A system is a small struct:
//
//   static constexpr int dim;          components of the state
//   static constexpr int num_params;   per-member parameters (stored in a View)
//   static constexpr int num_coefs;    what the right-hand side uses, derived once
//                                      per member from its parameters
//   static constexpr bool linear;      f linear in y (one Newton step is exact)
//   static constexpr int rhs_flops;    floating-point operations of one rhs()
//   static const char* name();         the name users type
//   static const char* param_name(i);  the parameters' names
//   coefficients(params) -> Vec<num_coefs>
//   rhs(coefs, t, y)     -> Vec<dim>
//   jacobian(coefs, t, y, J)           df/dy, for the implicit methods
//
// Adding a system touches neither the integrators nor parareal.
#pragma once

#include "pint/core/compat.hpp"
#include "pint/core/vec.hpp"

namespace pint::core {

// Damped harmonic oscillator q'' + 2 zeta omega0 q' + omega0^2 q = 0, y = (q, p):
// f(t, y) = (p, -2 zeta omega0 p - omega0^2 q).
struct Oscillator {
  static constexpr int dim = 2;
  static constexpr int num_params = 2;  // omega0, zeta
  static constexpr int num_coefs = 2;   // 2 zeta omega0, omega0^2
  static constexpr bool linear = true;
  static constexpr int rhs_flops = 3;
  static const char* name() { return "oscillator"; }
  static const char* param_name(int i) { return i == 0 ? "omega0" : "zeta"; }
  static const char* state_name(int i) { return i == 0 ? "q" : "p"; }

  KOKKOS_FORCEINLINE_FUNCTION static Vec<num_coefs> coefficients(const Vec<num_params>& prm) {
    return {{2.0 * prm[1] * prm[0], prm[0] * prm[0]}};
  }
  KOKKOS_FORCEINLINE_FUNCTION static Vec<dim> rhs(const Vec<num_coefs>& c, double /*t*/,
                                                  const Vec<dim>& y) {
    return {{y[1], pint::fma(-c[1], y[0], -(c[0] * y[1]))}};
  }
  KOKKOS_FORCEINLINE_FUNCTION static void jacobian(const Vec<num_coefs>& c, double /*t*/,
                                                   const Vec<dim>& /*y*/, double J[dim][dim]) {
    J[0][0] = 0.0;
    J[0][1] = 1.0;
    J[1][0] = -c[1];
    J[1][1] = -c[0];
  }
};

// Van der Pol oscillator x'' - mu (1 - x^2) x' + x = 0, y = (x, v):
// f(t, y) = (v, mu (1 - x^2) v - x). Nonlinear; stiff for large mu.
struct VanDerPol {
  static constexpr int dim = 2;
  static constexpr int num_params = 1;  // mu
  static constexpr int num_coefs = 1;
  static constexpr bool linear = false;
  static constexpr int rhs_flops = 5;
  static const char* name() { return "vanderpol"; }
  static const char* param_name(int) { return "mu"; }
  static const char* state_name(int i) { return i == 0 ? "x" : "v"; }

  KOKKOS_FORCEINLINE_FUNCTION static Vec<num_coefs> coefficients(const Vec<num_params>& prm) {
    return {{prm[0]}};
  }
  KOKKOS_FORCEINLINE_FUNCTION static Vec<dim> rhs(const Vec<num_coefs>& c, double /*t*/,
                                                  const Vec<dim>& y) {
    const double damping = c[0] * pint::fma(-y[0], y[0], 1.0);  // mu (1 - x^2)
    return {{y[1], pint::fma(damping, y[1], -y[0])}};
  }
  KOKKOS_FORCEINLINE_FUNCTION static void jacobian(const Vec<num_coefs>& c, double /*t*/,
                                                   const Vec<dim>& y, double J[dim][dim]) {
    J[0][0] = 0.0;
    J[0][1] = 1.0;
    J[1][0] = pint::fma(-2.0 * c[0] * y[0], y[1], -1.0);
    J[1][1] = c[0] * pint::fma(-y[0], y[0], 1.0);
  }
};

}  // namespace pint::core
