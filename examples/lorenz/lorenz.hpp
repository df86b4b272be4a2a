// The Lorenz system, the ensemble benchmark of GPU ODE solvers (DiffEqGPU.jl,
// MPGOS), written as a pint user writes a system: one header, no pint sources
// touched (the contract: pint/core/system_traits.hpp).
//
//   x' = sigma (y - x),   y' = x (rho - z) - y,   z' = x y - beta z
//
// sigma = 10, beta = 8/3 and y0 = (1, 0, 0) by default; rho per member, e.g.
// --param rho=linspace:0:21. For rho < 1 every trajectory decays to the origin;
// past rho ~ 24.74 the attractor is chaotic.
#pragma once

#include <pint/core/compat.hpp>
#include <pint/core/vec.hpp>

struct Lorenz {
  // Required: dimensions, names, coefficients and the right-hand side.
  static constexpr int dim = 3;
  static constexpr int num_params = 3;  // sigma, rho, beta
  static constexpr int num_coefs = 3;
  static const char* name() { return "lorenz"; }
  static const char* param_name(int i) {
    constexpr const char* names[] = {"sigma", "rho", "beta"};
    return names[i];
  }
  static const char* state_name(int i) {
    constexpr const char* names[] = {"x", "y", "z"};
    return names[i];
  }
  KOKKOS_INLINE_FUNCTION static pint::core::Vec<3> coefficients(const pint::core::Vec<3>& p) {
    return p;
  }
  KOKKOS_INLINE_FUNCTION static pint::core::Vec<3> rhs(const pint::core::Vec<3>& c, double /*t*/,
                                                       const pint::core::Vec<3>& y) {
    return {{c[0] * (y[1] - y[0]), y[0] * (c[1] - y[2]) - y[1], y[0] * y[1] - c[2] * y[2]}};
  }

  // Optional: flops of rhs() for the benchmarks (sigma (y - x): 2; x (rho - z) - y:
  // 3; x y - beta z: 3), the command's defaults, and the Jacobian, which is left
  // out: the implicit methods use finite differences.
  static constexpr int rhs_flops = 8;
  static pint::core::Vec<3> default_params() { return {{10.0, 28.0, 8.0 / 3.0}}; }
  static pint::core::Vec<3> default_initial() { return {{1.0, 0.0, 0.0}}; }
};
