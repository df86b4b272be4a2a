// The parareal correction U <- F + (G_new - G_old), evaluated in exactly that
// order, and the largest change it made. Two forms computing the same bits:
// a fused one-pass kernel (what the solver uses) and a composition of Kokkos
// Kernels calls (the reference the benchmark compares it with).
#pragma once

#include "pint/core/compat.hpp"
#include "pint/kernels/lanes.hpp"

#include <KokkosBlas1_nrminf.hpp>
#include <KokkosBlas1_update.hpp>
#include <Kokkos_Core.hpp>

#include <cstdint>
#include <limits>

namespace pint::kernels {

struct Correction {
  double max_change = 0;  // max |U_new - U_old| over members and components
  double max_abs = 0;     // max |U_new| (for relative tolerances)
};

namespace Impl {

// Largest of two non-negative values; compiles to a vector max.
KOKKOS_FORCEINLINE_FUNCTION double larger(double a, double b) {
  return a > b ? a : b;
}

// One work item corrects a block of consecutive members (one member on GPUs)
// with an inner loop the compiler vectorizes, then merges its two maxima.
template <class V, int Block>
struct FusedCorrection {
  using value_type = double[];
  using size_type = std::int64_t;
  unsigned value_count = 3;  // max change, max |U|, non-finite seen
  V u, f, g_new, g_old;
  std::int64_t members;
  int dim;

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t b, value_type acc) const {
    const std::int64_t first = b * Block;
    const std::int64_t last = first + Block < members ? first + Block : members;
    double change = 0, magnitude = 0, bad = 0;
    for (int c = 0; c < dim; ++c) {
      PINT_SIMD
      for (std::int64_t i = first; i < last; ++i) {
        const double next = f(i, c) + (g_new(i, c) - g_old(i, c));
        const double a = pint::math::fabs(next);
        change = larger(change, pint::math::fabs(next - u(i, c)));
        magnitude = larger(magnitude, a);
        bad = a <= 1.7976931348623157e308 ? bad : 1.0;  // NaN or infinity
        u(i, c) = next;
      }
    }
    acc[0] = larger(acc[0], change);
    acc[1] = larger(acc[1], magnitude);
    acc[2] = larger(acc[2], bad);
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

// One pass: u <- f + (g_new - g_old), returning the largest change and magnitude.
// Views are (members x dim). A NaN or infinity anywhere makes max_change
// infinite, so it can never pass for convergence. Blocks until the result is known.
template <class ExecSpace, class V>
Correction correct_fused(const ExecSpace& exec, const V& u, const V& f, const V& g_new,
                         const V& g_old) {
  static_assert(Kokkos::SpaceAccessibility<ExecSpace, typename V::memory_space>::accessible,
                "pint::kernels::correct_fused: views must be accessible from the execution space");
  constexpr int Block = lanes<ExecSpace>() * 8;
  const auto members = static_cast<std::int64_t>(u.extent(0));
  double result[3] = {0.0, 0.0, 0.0};
  Impl::FusedCorrection<V, Block> functor{
      3u, u, f, g_new, g_old, members, static_cast<int>(u.extent(1))};
  Kokkos::parallel_reduce("pint::kernels::parareal_correction",
                          Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<std::int64_t>>(
                              exec, 0, (members + Block - 1) / Block),
                          functor, result);
  exec.fence();
  if (result[2] > 0) return {std::numeric_limits<double>::infinity(), result[1]};
  return {result[0], result[1]};
}

// The same update as Kokkos Kernels calls on the flattened arrays:
// d = g_new - g_old; w = f + d; d = w - u; change = nrminf(d); abs = nrminf(w); u = w.
// `w` and `d` are scratch views of the same shape.
template <class ExecSpace, class V>
Correction correct_composed(const ExecSpace& exec, const V& u, const V& f, const V& g_new,
                            const V& g_old, const V& w, const V& d) {
  using Flat = Kokkos::View<double*, Kokkos::LayoutLeft, typename V::memory_space,
                            Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
  const size_t n = u.span();
  Flat fu(u.data(), n), ff(f.data(), n), fgn(g_new.data(), n), fgo(g_old.data(), n),
      fw(w.data(), n), fd(d.data(), n);
  KokkosBlas::update(1.0, fgn, -1.0, fgo, 0.0, fd);  // d = g_new - g_old
  KokkosBlas::update(1.0, ff, 1.0, fd, 0.0, fw);     // w = f + d
  KokkosBlas::update(1.0, fw, -1.0, fu, 0.0, fd);    // d = w - u
  Correction out;
  out.max_change = KokkosBlas::nrminf(fd);
  out.max_abs = KokkosBlas::nrminf(fw);
  Kokkos::deep_copy(exec, u, w);
  exec.fence();
  return out;
}

}  // namespace pint::kernels
