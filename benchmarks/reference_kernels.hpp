// Hand-written references for the ensemble kernel, without Kokkos: the damped
// oscillator advanced with RK4 (same operations, same FMAs, same bits as
// pint::kernels::RK4). Members are given as separate arrays (q, p, 2 zeta omega0,
// omega0^2).
#pragma once

#include <cstdint>

// The hand loops ask for vectors with `omp simd` (-fopenmp-simd); nvcc's front end
// does not know the pragma, and these host loops are no GPU reference anyway.
#if defined(__CUDACC__) || defined(__HIP__) || defined(__HIPCC__)
#define PINT_BENCH_OMP_SIMD
#else
#define PINT_BENCH_OMP_SIMD _Pragma("omp simd")
#endif

namespace pint::bench {

// One RK4 step of one member, written out.
inline void rk4_oscillator_step(double& q, double& p, double c1, double c2, double h) {
  const double h2 = 0.5 * h, h6 = h / 6.0;
  const double k1q = p, k1p = __builtin_fma(-c2, q, -(c1 * p));
  double zq = __builtin_fma(h2, k1q, q), zp = __builtin_fma(h2, k1p, p);
  const double k2q = zp, k2p = __builtin_fma(-c2, zq, -(c1 * zp));
  zq = __builtin_fma(h2, k2q, q);
  zp = __builtin_fma(h2, k2p, p);
  const double k3q = zp, k3p = __builtin_fma(-c2, zq, -(c1 * zp));
  zq = __builtin_fma(h, k3q, q);
  zp = __builtin_fma(h, k3p, p);
  const double k4q = zp, k4p = __builtin_fma(-c2, zq, -(c1 * zp));
  const double sq = __builtin_fma(2.0, k3q, __builtin_fma(2.0, k2q, k1q)) + k4q;
  const double sp = __builtin_fma(2.0, k3p, __builtin_fma(2.0, k2p, k1p)) + k4p;
  q = __builtin_fma(h6, sq, q);
  p = __builtin_fma(h6, sp, p);
}

// Naive: one member per iteration, the step loop inside (a dependency chain per
// member; nothing to vectorize across).
inline void rk4_naive(std::int64_t members, std::int64_t steps, double h, double* q, double* p,
                      const double* c1, const double* c2) {
  for (std::int64_t i = 0; i < members; ++i) {
    double Q = q[i], P = p[i];
    for (std::int64_t s = 0; s < steps; ++s)
      rk4_oscillator_step(Q, P, c1[i], c2[i], h);
    q[i] = Q;
    p[i] = P;
  }
}

// Cache-blocked and vectorized: B members in local arrays for all steps, the
// lane loop innermost so the compiler vectorizes across members.
template <int B>
void rk4_blocked(std::int64_t members, std::int64_t steps, double h, double* q, double* p,
                 const double* c1, const double* c2) {
  for (std::int64_t b = 0; b + B <= members; b += B) {
    double Q[B], P[B], C1[B], C2[B];
    for (int l = 0; l < B; ++l) {
      Q[l] = q[b + l];
      P[l] = p[b + l];
      C1[l] = c1[b + l];
      C2[l] = c2[b + l];
    }
    for (std::int64_t s = 0; s < steps; ++s) {
      PINT_BENCH_OMP_SIMD
      for (int l = 0; l < B; ++l)
        rk4_oscillator_step(Q[l], P[l], C1[l], C2[l], h);
    }
    for (int l = 0; l < B; ++l) {
      q[b + l] = Q[l];
      p[b + l] = P[l];
    }
  }
  for (std::int64_t i = members - members % B; i < members; ++i) {
    rk4_naive(1, steps, h, q + i, p + i, c1 + i, c2 + i);
  }
}

}  // namespace pint::bench
