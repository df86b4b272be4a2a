// The parareal correction U <- F + (G_new - G_old), evaluated in exactly that
// order, and the largest change it made. Two forms computing the same bits:
// a fused one-pass kernel (what the solver uses) and a composition of Kokkos
// Kernels calls (the reference the benchmark compares it with).
#pragma once

#include "pint/core/compat.hpp"

#include <KokkosBlas1_nrminf.hpp>
#include <KokkosBlas1_update.hpp>
#include <Kokkos_Core.hpp>

namespace pint::kernels {

struct Correction {
  double max_change = 0;  // max |U_new - U_old| over members and components
  double max_abs = 0;     // max |U_new| (for relative tolerances)
};

namespace Impl {

template <class V>
struct FusedCorrection {
  using value_type = double[];
  using size_type = std::int64_t;
  unsigned value_count = 2;
  V u, f, g_new, g_old;
  int dim;

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t i, value_type acc) const {
    for (int c = 0; c < dim; ++c) {
      const double next = f(i, c) + (g_new(i, c) - g_old(i, c));
      acc[0] = pint::fmax(acc[0], pint::fabs(next - u(i, c)));
      acc[1] = pint::fmax(acc[1], pint::fabs(next));
      u(i, c) = next;
    }
  }
  KOKKOS_INLINE_FUNCTION void init(value_type acc) const { acc[0] = acc[1] = 0.0; }
  KOKKOS_INLINE_FUNCTION void join(value_type dst, const value_type src) const {
    dst[0] = pint::fmax(dst[0], src[0]);
    dst[1] = pint::fmax(dst[1], src[1]);
  }
  // Kokkos 3.x reduces through volatile references.
  KOKKOS_INLINE_FUNCTION void join(volatile double* dst, const volatile double* src) const {
    dst[0] = dst[0] > src[0] ? dst[0] : src[0];
    dst[1] = dst[1] > src[1] ? dst[1] : src[1];
  }
};

}  // namespace Impl

// One pass: u <- f + (g_new - g_old), returning the largest change and magnitude.
// Views are (members x dim). Blocks until the result is known.
template <class ExecSpace, class V>
Correction correct_fused(const ExecSpace& exec, const V& u, const V& f, const V& g_new,
                         const V& g_old) {
  static_assert(Kokkos::SpaceAccessibility<ExecSpace, typename V::memory_space>::accessible,
                "pint::kernels::correct_fused: views must be accessible from the execution space");
  double result[2] = {0.0, 0.0};
  Impl::FusedCorrection<V> functor{2u, u, f, g_new, g_old, static_cast<int>(u.extent(1))};
  Kokkos::parallel_reduce(
      "pint::kernels::parareal_correction",
      Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<std::int64_t>>(exec, 0, u.extent(0)),
      functor, result);
  exec.fence();
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
