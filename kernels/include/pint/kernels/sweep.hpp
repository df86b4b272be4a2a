// One slice of the parareal coarse sweep in one pass over memory:
//
//   G_new = G(U_n^k)                                      (the coarse steps, in registers)
//   U_{n+1}^k = F(U_n^{k-1}) + (G_new - G(U_n^{k-1}))     (in exactly this order)
//
// and the largest change |U_{n+1}^k - U_{n+1}^{k-1}|, in one kernel: each work
// item loads its members' input state and parameters, takes the coarse steps
// in registers (the same code and the same bits as kernels::propagate), reads
// F and G_old, writes U and G_new, and reduces the change. No copy of the input
// and no second pass for the correction.
#pragma once

#include "pint/core/compat.hpp"
#include "pint/kernels/correction.hpp"
#include "pint/kernels/lanes.hpp"
#include "pint/kernels/methods.hpp"
#include "pint/kernels/propagate.hpp"

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

namespace pint::kernels {

namespace Impl {

template <class S, class M, int B, bool Initial, class PV, class V>
struct CoarseCorrection {
  using value_type = double[];
  using size_type = std::int64_t;
  unsigned value_count = 3;  // max change, max |U|, non-finite seen
  PV params;
  V in, u, f, g_old, g_new;
  std::int64_t members;
  double t0, dt;
  std::int64_t steps;

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t b, value_type acc) const {
    const std::int64_t base = b * B;
    const int valid = valid_lanes<B>(base, members);
    Lanes<S, B> lanes;
    if (valid == B) {
      // A whole block: loads and stores with a compile-time trip count, which
      // the compiler vectorizes (the bits are those of Lanes::load).
      PINT_SIMD
      for (int l = 0; l < B; ++l) {
        core::Vec<S::num_params> p;
        for (int k = 0; k < S::num_params; ++k)
          p[k] = params(base + l, k);
        const core::Vec<S::num_coefs> c = S::coefficients(p);
        for (int k = 0; k < S::num_coefs; ++k)
          lanes.cs[k][l] = c[k];
        for (int i = 0; i < S::dim; ++i)
          lanes.ys[i][l] = in(base + l, i);
      }
      lanes.template run<M>(t0, dt, 0, steps);
      finish<B>(lanes, base, B, acc);
    } else {
      lanes.load(params, in, base, valid);
      lanes.template run<M>(t0, dt, 0, steps);
      finish<1>(lanes, base, valid, acc);
    }
  }
  // Writes G_new and U of lanes [0, valid) (valid = N when N > 1) and merges
  // the maxima. Whole blocks keep one maximum per lane (element-wise maxima
  // vectorize; a running scalar maximum does not) and fold them at the end.
  template <int N>
  KOKKOS_FORCEINLINE_FUNCTION void finish(const Lanes<S, B>& lanes, std::int64_t base, int valid,
                                          value_type acc) const {
    const int count = N > 1 ? N : valid;
    double change[N], magnitude[N], bad[N];
    for (int l = 0; l < N; ++l)
      change[l] = magnitude[l] = bad[l] = 0.0;
    for (int c = 0; c < S::dim; ++c) {
      PINT_SIMD
      for (int l = 0; l < count; ++l) {
        const int m = N > 1 ? l : 0;
        const std::int64_t j = base + l;
        const double g = lanes.ys[c][l];
        const double next = Initial ? g : f(j, c) + (g - g_old(j, c));
        const double a = pint::math::fabs(next);
        change[m] = larger(change[m], pint::math::fabs(next - u(j, c)));
        magnitude[m] = larger(magnitude[m], a);
        bad[m] = a <= 1.7976931348623157e308 ? bad[m] : 1.0;  // NaN or infinity
        g_new(j, c) = g;
        u(j, c) = next;
      }
    }
    for (int l = 0; l < N; ++l) {
      acc[0] = larger(acc[0], change[l]);
      acc[1] = larger(acc[1], magnitude[l]);
      acc[2] = larger(acc[2], bad[l]);
    }
  }
  KOKKOS_INLINE_FUNCTION void init(value_type acc) const { acc[0] = acc[1] = acc[2] = 0.0; }
  KOKKOS_INLINE_FUNCTION void join(value_type dst, const value_type src) const {
    for (int j = 0; j < 3; ++j)
      dst[j] = larger(dst[j], src[j]);
  }
  // Kokkos 3.x reduces through volatile references.
  KOKKOS_INLINE_FUNCTION void join(volatile double* dst, const volatile double* src) const {
    for (int j = 0; j < 3; ++j)
      dst[j] = dst[j] > src[j] ? dst[j] : src[j];
  }
};

}  // namespace Impl

// The coarse solve of one slice fused with its correction (see the top of this
// file). `in`, `u`, `f`, `g_old`, `g_new` are (members x dim) views; `in` must
// not alias `u` or `g_new`. With `initial` (iteration 0) U and G_new both get
// G(in) and f, g_old are not read (pass any views of the right shape). The
// coarse propagator is `steps` steps of method M over [t0, t1], bit for bit
// what propagate<S, M>(exec, params, x, t0, t1, steps) makes of x = in.
// Blocks until the result is known. A NaN or infinity makes max_change infinite.
//
// `Mapping`: members per work item (lanes.hpp), the backend's own by default.
template <class S, class M, class Mapping = NaturalMapping, class ExecSpace, class PV, class V>
Correction coarse_correct(const ExecSpace& exec, const PV& params, const V& in, const V& u,
                          const V& f, const V& g_old, const V& g_new, double t0, double t1,
                          std::int64_t steps, bool initial = false) {
  ScopedRegion region("pint::kernels::coarse_correct");
  static_assert(Kokkos::SpaceAccessibility<ExecSpace, typename V::memory_space>::accessible,
                "pint::kernels::coarse_correct: views must be accessible from the execution space");
  static_assert(
      Kokkos::SpaceAccessibility<ExecSpace, typename PV::memory_space>::accessible,
      "pint::kernels::coarse_correct: params must be accessible from the execution space");
  if (steps < 1)
    throw std::invalid_argument("pint::kernels::coarse_correct: needs at least one step");
  const auto members = static_cast<std::int64_t>(in.extent(0));
  if (static_cast<int>(in.extent(1)) != S::dim ||
      static_cast<int>(params.extent(1)) != S::num_params ||
      static_cast<std::int64_t>(params.extent(0)) != members ||
      static_cast<std::int64_t>(u.extent(0)) != members ||
      static_cast<std::int64_t>(g_new.extent(0)) != members ||
      (!initial && (static_cast<std::int64_t>(f.extent(0)) != members ||
                    static_cast<std::int64_t>(g_old.extent(0)) != members))) {
    throw std::invalid_argument(std::string("pint::kernels::coarse_correct: views do not fit ") +
                                S::name() + " and one another (members x dim each)");
  }
  constexpr int B = lanes<ExecSpace, Mapping>();
  const double dt = (t1 - t0) / static_cast<double>(steps);
  const Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<std::int64_t>> policy(
      exec, 0, (members + B - 1) / B);
  double result[3] = {0.0, 0.0, 0.0};
  if (initial) {
    Impl::CoarseCorrection<S, M, B, true, PV, V> functor{3u,    params,  in, u,  f,    g_old,
                                                         g_new, members, t0, dt, steps};
    Kokkos::parallel_reduce("pint::kernels::coarse_initial", policy, functor, result);
  } else {
    Impl::CoarseCorrection<S, M, B, false, PV, V> functor{3u,    params,  in, u,  f,    g_old,
                                                          g_new, members, t0, dt, steps};
    Kokkos::parallel_reduce("pint::kernels::coarse_correct", policy, functor, result);
  }
  exec.fence();
  if (result[2] > 0) return {std::numeric_limits<double>::infinity(), result[1]};
  return {result[0], result[1]};
}

// Run-time method choice.
template <class S, class Mapping = NaturalMapping, class ExecSpace, class PV, class V>
Correction coarse_correct(const ExecSpace& exec, Method method, const PV& params, const V& in,
                          const V& u, const V& f, const V& g_old, const V& g_new, double t0,
                          double t1, std::int64_t steps, bool initial = false) {
  check_method<S>(method);
  return with_method(method, [&](auto m) {
    return coarse_correct<S, decltype(m), Mapping>(exec, params, in, u, f, g_old, g_new, t0, t1,
                                                   steps, initial);
  });
}

}  // namespace pint::kernels
