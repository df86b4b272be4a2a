// pint's own ODE systems y' = f(t, y) for ensembles. A system is a small struct
// (the contract, with what is optional and its defaults: system_traits.hpp):
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
//   static constexpr bool separable;   y = (positions, velocities), y' = (v, a(t, q)):
//   acceleration(coefs, t, q)          then gives a, for the symplectic leapfrog
//
// Adding a system touches neither the integrators nor parareal.
#pragma once

#include "pint/core/compat.hpp"
#include "pint/core/system_traits.hpp"
#include "pint/core/vec.hpp"

namespace pint::core {

// Damped harmonic oscillator q'' + 2 zeta omega0 q' + omega0^2 q = 0, y = (q, p):
// f(t, y) = (p, -2 zeta omega0 p - omega0^2 q).
struct Oscillator {
  static constexpr int dim = 2;
  static constexpr bool separable = false;  // the damping makes a depend on p
  static constexpr int num_params = 2;      // omega0, zeta
  static constexpr int num_coefs = 2;       // 2 zeta omega0, omega0^2
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
    return {{y[1], pint::math::fma(-c[1], y[0], -(c[0] * y[1]))}};
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
  static constexpr bool separable = false;
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
    const double damping = c[0] * pint::math::fma(-y[0], y[0], 1.0);  // mu (1 - x^2)
    return {{y[1], pint::math::fma(damping, y[1], -y[0])}};
  }
  KOKKOS_FORCEINLINE_FUNCTION static void jacobian(const Vec<num_coefs>& c, double /*t*/,
                                                   const Vec<dim>& y, double J[dim][dim]) {
    J[0][0] = 0.0;
    J[0][1] = 1.0;
    J[1][0] = pint::math::fma(-2.0 * c[0] * y[0], y[1], -1.0);
    J[1][1] = c[0] * pint::math::fma(-y[0], y[0], 1.0);
  }
};

namespace Impl {
// Plummer-sphere acceleration at d (from the centre to the point): -GM d / (|d|^2 + a^2)^(3/2).
KOKKOS_FORCEINLINE_FUNCTION void plummer(double gm, double a2, double dx, double dy, double dz,
                                         double& ax, double& ay, double& az) {
  const double r2 = pint::math::fma(dx, dx, pint::math::fma(dy, dy, pint::math::fma(dz, dz, a2)));
  const double inv = 1.0 / (r2 * pint::math::sqrt(r2));
  const double f = -gm * inv;
  ax = pint::math::fma(f, dx, ax);
  ay = pint::math::fma(f, dy, ay);
  az = pint::math::fma(f, dz, az);
}
// d a / d d of the Plummer acceleration: -GM (I / s^3 - 3 d d^T / s^5), s^2 = |d|^2 + a^2,
// added (times sign) into T.
KOKKOS_FORCEINLINE_FUNCTION void plummer_tidal(double gm, double a2, const double d[3], double sign,
                                               double T[3][3]) {
  const double s2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2] + a2;
  const double inv3 = 1.0 / (s2 * pint::math::sqrt(s2)), inv5 = inv3 / s2;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      T[i][j] += sign * -gm * ((i == j ? inv3 : 0.0) - 3.0 * d[i] * d[j] * inv5);
}
}  // namespace Impl

// A body around a central point mass (the Kepler problem), y = (x, y, z, vx, vy, vz):
// a = -GM r / |r|^3. Separable; the test problem of the symplectic integrator.
struct Kepler {
  static constexpr int dim = 6;
  static constexpr bool separable = true;
  static constexpr int num_params = 1;  // GM
  static constexpr int num_coefs = 1;
  static constexpr bool linear = false;
  static constexpr int rhs_flops = 17;
  static const char* name() { return "kepler"; }
  static const char* param_name(int) { return "gm"; }
  static const char* state_name(int i) {
    constexpr const char* names[] = {"x", "y", "z", "vx", "vy", "vz"};
    return names[i];
  }
  KOKKOS_FORCEINLINE_FUNCTION static Vec<num_coefs> coefficients(const Vec<num_params>& prm) {
    return {{prm[0]}};
  }
  KOKKOS_FORCEINLINE_FUNCTION static Vec<3> acceleration(const Vec<num_coefs>& c, double /*t*/,
                                                         const Vec<3>& q) {
    Vec<3> a{{0.0, 0.0, 0.0}};
    Impl::plummer(c[0], 0.0, q[0], q[1], q[2], a[0], a[1], a[2]);
    return a;
  }
  KOKKOS_FORCEINLINE_FUNCTION static Vec<dim> rhs(const Vec<num_coefs>& c, double t,
                                                  const Vec<dim>& y) {
    const Vec<3> a = acceleration(c, t, {{y[0], y[1], y[2]}});
    return {{y[3], y[4], y[5], a[0], a[1], a[2]}};
  }
  KOKKOS_FORCEINLINE_FUNCTION static void jacobian(const Vec<num_coefs>& c, double /*t*/,
                                                   const Vec<dim>& y, double J[dim][dim]) {
    const double r2 = y[0] * y[0] + y[1] * y[1] + y[2] * y[2];
    const double r = pint::math::sqrt(r2), inv3 = 1.0 / (r2 * r), inv5 = inv3 / r2;
    for (int i = 0; i < dim; ++i)
      for (int j = 0; j < dim; ++j)
        J[i][j] = (i < 3 && j == i + 3) ? 1.0 : 0.0;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        J[3 + i][j] = c[0] * (3.0 * y[i] * y[j] * inv5 - (i == j ? inv3 : 0.0));
  }
};

// The galaxy collision of the parallel-HDF5 seed, as an ensemble: each member is
// one star of an infalling galaxy, moving under a fixed host galaxy at the origin
// and the infalling galaxy's nucleus; the nucleus moves in the host's potential.
// Both galaxies are Plummer spheres (mass M, scale radius a; G = 1):
//   Phi(r) = -M / sqrt(r^2 + a^2),  a(r) = -M r / (r^2 + a^2)^(3/2).
// y = (star position, nucleus position, star velocity, nucleus velocity), 12
// components: every member carries its own copy of the nucleus and advances it
// with the same operations, so all copies agree bit for bit and the system needs
// nothing from the integrators or parareal beyond what any system gets.
// Parameters: host mass and scale radius, nucleus mass and scale radius.
struct Galaxy {
  static constexpr int dim = 12;
  static constexpr bool separable = true;
  static constexpr int num_params = 4;  // m_host, a_host, m_nucleus, a_nucleus
  static constexpr int num_coefs = 4;   // m_host, a_host^2, m_nucleus, a_nucleus^2
  static constexpr bool linear = false;
  static constexpr int rhs_flops = 45;
  static const char* name() { return "galaxy"; }
  static const char* param_name(int i) {
    constexpr const char* names[] = {"m_host", "a_host", "m_nucleus", "a_nucleus"};
    return names[i];
  }
  static const char* state_name(int i) {
    constexpr const char* names[] = {"x",  "y",  "z",  "nx",  "ny",  "nz",
                                     "vx", "vy", "vz", "nvx", "nvy", "nvz"};
    return names[i];
  }
  KOKKOS_FORCEINLINE_FUNCTION static Vec<num_coefs> coefficients(const Vec<num_params>& prm) {
    return {{prm[0], prm[1] * prm[1], prm[2], prm[3] * prm[3]}};
  }
  KOKKOS_FORCEINLINE_FUNCTION static Vec<6> acceleration(const Vec<num_coefs>& c, double /*t*/,
                                                         const Vec<6>& q) {
    Vec<6> a{{0.0, 0.0, 0.0, 0.0, 0.0, 0.0}};
    // The star: the host at the origin and the nucleus at q[3..5].
    Impl::plummer(c[0], c[1], q[0], q[1], q[2], a[0], a[1], a[2]);
    Impl::plummer(c[2], c[3], q[0] - q[3], q[1] - q[4], q[2] - q[5], a[0], a[1], a[2]);
    // The nucleus: the host only.
    Impl::plummer(c[0], c[1], q[3], q[4], q[5], a[3], a[4], a[5]);
    return a;
  }
  KOKKOS_FORCEINLINE_FUNCTION static Vec<dim> rhs(const Vec<num_coefs>& c, double t,
                                                  const Vec<dim>& y) {
    const Vec<6> a = acceleration(c, t, {{y[0], y[1], y[2], y[3], y[4], y[5]}});
    Vec<dim> f;
    for (int i = 0; i < 6; ++i) {
      f[i] = y[6 + i];
      f[6 + i] = a[i];
    }
    return f;
  }
  KOKKOS_FORCEINLINE_FUNCTION static void jacobian(const Vec<num_coefs>& c, double /*t*/,
                                                   const Vec<dim>& y, double J[dim][dim]) {
    for (int i = 0; i < dim; ++i)
      for (int j = 0; j < dim; ++j)
        J[i][j] = (i < 6 && j == i + 6) ? 1.0 : 0.0;
    const double star[3] = {y[0], y[1], y[2]}, nucleus[3] = {y[3], y[4], y[5]};
    const double rel[3] = {y[0] - y[3], y[1] - y[4], y[2] - y[5]};
    double ss[3][3] = {}, sn[3][3] = {}, nn[3][3] = {};
    Impl::plummer_tidal(c[0], c[1], star, 1.0, ss);     // star on host
    Impl::plummer_tidal(c[2], c[3], rel, 1.0, ss);      // star on nucleus, d/d star
    Impl::plummer_tidal(c[2], c[3], rel, -1.0, sn);     // star on nucleus, d/d nucleus
    Impl::plummer_tidal(c[0], c[1], nucleus, 1.0, nn);  // nucleus on host
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) {
        J[6 + i][j] = ss[i][j];
        J[6 + i][3 + j] = sn[i][j];
        J[9 + i][3 + j] = nn[i][j];
      }
  }
};

static_assert(check_system<Oscillator>() && check_system<VanDerPol>() && check_system<Kepler>() &&
              check_system<Galaxy>());

}  // namespace pint::core
