// Ensemble propagation: advance every member over [t0, t1] in n equal steps,
// optionally handing the saved rows to a sink every `save_every` steps.
//
// Each member's state stays in registers between save points; memory is read
// when a block of members starts and written when it reaches a save point.
// How members map to work items is a template parameter (see lanes.hpp),
// defaulting to the backend's own: on host backends a work item is a block of
// host_lanes() consecutive members advanced together, so the compiler
// vectorizes across members (the lanes of one step are independent; several
// vectors per block hide the FMA latency); on GPUs a work item is one member
// (one thread). Either mapping runs on any backend. A block at the end of the
// ensemble that is not full fills its spare lanes with copies of its last
// member and stores only its own; every lane performs the same operations, so
// every member gets the same bits whatever its block, lane, mapping or backend.
#pragma once

#include "pint/core/compat.hpp"
#include "pint/core/trajectory_sink.hpp"
#include "pint/core/vec.hpp"
#include "pint/kernels/lanes.hpp"
#include "pint/kernels/methods.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace pint::kernels {

namespace Impl {

// Whether method M advances sub-blocks of lanes stage by stage (M::by_stage).
template <class M, class = void>
struct by_stage : std::false_type {};
template <class M>
struct by_stage<M, std::void_t<decltype(M::by_stage)>> : std::bool_constant<M::by_stage> {};
template <class M>
constexpr bool by_stage_v = by_stage<M>::value;

// A block of B members in registers: state ys[i][l] and coefficients cs[k][l].
// The last block of an ensemble may hold fewer members (`valid`); its other
// lanes advance copies of its last member and are never stored, so that block
// runs at the speed of a full one (the lanes compute independently, with the
// same operations: every member gets the same bits in any lane).
template <class S, int B>
struct Lanes {
  double ys[S::dim][B];
  double cs[S::num_coefs][B];

  template <class PV, class SV>
  KOKKOS_FORCEINLINE_FUNCTION void load(const PV& params, const SV& state, std::int64_t base,
                                        int valid) {
    // A full block reads consecutive members (vector loads); the last block
    // repeats its last member in the spare lanes (gathers).
    if (valid == B) {
      load_lanes<false>(params, state, base, B);
    } else {
      load_lanes<true>(params, state, base, valid);
    }
  }
  template <bool Partial, class PV, class SV>
  KOKKOS_FORCEINLINE_FUNCTION void load_lanes(const PV& params, const SV& state, std::int64_t base,
                                              int valid) {
    for (int l = 0; l < B; ++l) {
      const std::int64_t j = base + (!Partial || l < valid ? l : valid - 1);
      core::Vec<S::num_params> p;
      for (int k = 0; k < S::num_params; ++k)
        p[k] = params(j, k);
      const core::Vec<S::num_coefs> c = S::coefficients(p);
      for (int k = 0; k < S::num_coefs; ++k)
        cs[k][l] = c[k];
      for (int i = 0; i < S::dim; ++i)
        ys[i][l] = state(j, i);
    }
  }
  template <class SV>
  KOKKOS_FORCEINLINE_FUNCTION void store(const SV& state, std::int64_t base, int valid) const {
    for (int l = 0; l < valid; ++l)
      for (int i = 0; i < S::dim; ++i)
        state(base + l, i) = ys[i][l];
  }
  // `steps` steps of size dt from step index `first` (time t0 + first dt); the
  // lane loop is innermost so the compiler vectorizes across members.
  // Methods that can (M::by_stage) advance a sub-block of L lanes stage by stage
  // (M::step_lanes) do so, sub-block after sub-block.
  template <class M>
  KOKKOS_FORCEINLINE_FUNCTION void run(double t0, double dt, std::int64_t first,
                                       std::int64_t steps) {
    constexpr int L = B < stage_lanes() ? B : stage_lanes();
    if constexpr (by_stage_v<M> && B > 1 && B % L == 0) {
      for (std::int64_t s = 0; s < steps; ++s) {
        const double t = t0 + static_cast<double>(first + s) * dt;
        PINT_UNROLL
        for (int b = 0; b < B; b += L)
          M::template step_lanes<S, B, L>(cs, b, t, dt, ys);
      }
    } else {
      for (std::int64_t s = 0; s < steps; ++s) {
        const double t = t0 + static_cast<double>(first + s) * dt;
        PINT_SIMD
        for (int l = 0; l < B; ++l) {
          core::Vec<S::dim> y;
          core::Vec<S::num_coefs> c;
          for (int i = 0; i < S::dim; ++i)
            y[i] = ys[i][l];
          for (int k = 0; k < S::num_coefs; ++k)
            c[k] = cs[k][l];
          M::template step<S>(c, t, dt, y);
          for (int i = 0; i < S::dim; ++i)
            ys[i][l] = y[i];
        }
      }
    }
  }
};

// The work items (blocks of members) of a launch. On host spaces the threads
// take chunks of blocks as they finish the previous ones (Kokkos::Dynamic; a
// chunk is about 1/100 of a thread's share): a thread that the machine slows
// down (another process on its core, an interrupt) then takes fewer chunks
// instead of holding the others up at the launch's end, as a static split into
// equal shares does. GPUs keep their static mapping.
template <class ExecSpace>
using BlockPolicy =
    std::conditional_t<std::is_same<typename ExecSpace::memory_space, Kokkos::HostSpace>::value,
                       Kokkos::RangePolicy<ExecSpace, Kokkos::Schedule<Kokkos::Dynamic>,
                                           Kokkos::IndexType<std::int64_t>>,
                       Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<std::int64_t>>>;

// Members of the block at `base` that exist (B, or fewer in the last block).
template <int B>
KOKKOS_FORCEINLINE_FUNCTION int valid_lanes(std::int64_t base, std::int64_t members) {
  return members - base < B ? static_cast<int>(members - base) : B;
}

// Members [base, base + valid): `steps` steps from step index `first`.
template <class S, class M, int B, class PV, class SV>
KOKKOS_FORCEINLINE_FUNCTION void advance_block(const PV& params, const SV& state, std::int64_t base,
                                               int valid, double t0, double dt, std::int64_t first,
                                               std::int64_t steps) {
  Lanes<S, B> lanes;
  lanes.load(params, state, base, valid);
  lanes.template run<M>(t0, dt, first, steps);
  lanes.store(state, base, valid);
}

// Which row of the saved rows a member of the state view is written to. When
// the saved members are one contiguous range of the state (the common case: all
// members, or a range of them) the row is member - first and whole blocks are
// stored with contiguous, vectorizable stores; otherwise through an index
// (-1: not saved).
template <class IV>
struct RowMap {
  std::int64_t first = 0;  // contiguous: state index of row 0
  std::int64_t count = 0;  // contiguous: number of rows
  IV index;                // not contiguous: row of each member, -1 if not saved

  KOKKOS_FORCEINLINE_FUNCTION bool contiguous() const { return index.extent(0) == 0; }
  KOKKOS_FORCEINLINE_FUNCTION std::int64_t row(std::int64_t member) const {
    if (!contiguous()) return index(member);
    const std::int64_t r = member - first;
    return r >= 0 && r < count ? r : -1;
  }
};

// Save points [first, first + count) of a solve of n steps saved every m: for
// each, advance to its step (min(s m, n)) and write the saved members' state to
// rows(slot, row, :), row = map.row(member). The state stays in registers
// between save points; entry state is at step min(first m, n) reached from the
// previous call (step 0 for first = 0).
template <class S, class M, int B, class PV, class SV, class Map, class RV>
KOKKOS_FORCEINLINE_FUNCTION void advance_block_saving(const PV& params, const SV& state,
                                                      std::int64_t base, int valid, double t0,
                                                      double dt, std::int64_t n, std::int64_t m,
                                                      std::int64_t first, std::int64_t count,
                                                      const Map& map, const RV& rows) {
  static_assert(std::is_same<typename RV::array_layout, Kokkos::LayoutRight>::value,
                "pint::kernels: saved rows are row-major (slot, row, component)");
  Lanes<S, B> lanes;
  lanes.load(params, state, base, valid);
  const bool whole =
      valid == B && map.contiguous() && base >= map.first && base + B <= map.first + map.count;
  std::int64_t step = first == 0 ? 0 : ((first - 1) * m < n ? (first - 1) * m : n);
  for (std::int64_t slot = 0; slot < count; ++slot) {
    const std::int64_t target = (first + slot) * m < n ? (first + slot) * m : n;
    lanes.template run<M>(t0, dt, step, target - step);
    step = target;
    if (whole) {
      double* dst = &rows(slot, base - map.first, 0);
      PINT_SIMD
      for (int l = 0; l < B; ++l)
        for (int i = 0; i < S::dim; ++i)
          dst[l * S::dim + i] = lanes.ys[i][l];
    } else {
      for (int l = 0; l < valid; ++l) {
        const std::int64_t row = map.row(base + l);
        if (row >= 0) {
          for (int i = 0; i < S::dim; ++i)
            rows(slot, row, i) = lanes.ys[i][l];
        }
      }
    }
  }
  lanes.store(state, base, valid);
}

}  // namespace Impl

// Advances every member of `state` (members x dim) `steps` steps of size dt,
// starting from step index `first` (time t0 + first dt). `params` is
// (members x num_params). Asynchronous on `exec`.
template <class S, class M, class Mapping = NaturalMapping, class ExecSpace, class PV, class SV>
void advance(const ExecSpace& exec, const PV& params, const SV& state, double t0, double dt,
             std::int64_t first, std::int64_t steps) {
  static_assert(Kokkos::SpaceAccessibility<ExecSpace, typename SV::memory_space>::accessible,
                "pint::kernels::advance: state must be accessible from the execution space");
  static_assert(Kokkos::SpaceAccessibility<ExecSpace, typename PV::memory_space>::accessible,
                "pint::kernels::advance: params must be accessible from the execution space");
  if (static_cast<int>(state.extent(1)) != S::dim ||
      static_cast<int>(params.extent(1)) != S::num_params || params.extent(0) != state.extent(0)) {
    throw std::invalid_argument(std::string("pint::kernels::advance: views do not fit system ") +
                                S::name());
  }
  constexpr int B = lanes<ExecSpace, Mapping>();
  const auto members = static_cast<std::int64_t>(state.extent(0));
  const std::int64_t blocks = (members + B - 1) / B;
  Kokkos::parallel_for(
      "pint::kernels::advance", Impl::BlockPolicy<ExecSpace>(exec, 0, blocks),
      KOKKOS_LAMBDA(std::int64_t b) {
        const std::int64_t base = b * B;
        Impl::advance_block<S, M, B>(params, state, base, Impl::valid_lanes<B>(base, members), t0,
                                     dt, first, steps);
      });
}

namespace Impl {
// One launch per span of save points (see advance_block_saving).
template <class S, class M, class Mapping, class ExecSpace, class PV, class SV, class Map, class RV>
void advance_saving(const ExecSpace& exec, const PV& params, const SV& state, double t0, double dt,
                    std::int64_t n, std::int64_t m, std::int64_t first, std::int64_t count,
                    const Map& map, const RV& rows) {
  constexpr int B = lanes<ExecSpace, Mapping>();
  const auto members = static_cast<std::int64_t>(state.extent(0));
  Kokkos::parallel_for(
      "pint::kernels::advance_saving", BlockPolicy<ExecSpace>(exec, 0, (members + B - 1) / B),
      KOKKOS_LAMBDA(std::int64_t b) {
        const std::int64_t base = b * B;
        advance_block_saving<S, M, B>(params, state, base, valid_lanes<B>(base, members), t0, dt, n,
                                      m, first, count, map, rows);
      });
}
}  // namespace Impl

// What to save of one propagation and where to send it.
template <class MemorySpace>
struct SaveRequest {
  core::TrajectorySink* sink = nullptr;
  core::SolveDescription solve;  // handed to sink->begin(); t0, t1, n must match the call
  // Index into the state view of each saved row (solve.local_members of them).
  Kokkos::View<const std::int64_t*, MemorySpace> rows;
};

// The rows of `solve` this rank writes, as indices into a state view whose first
// member is global member `block_begin`.
template <class MemorySpace>
Kokkos::View<const std::int64_t*, MemorySpace> saved_rows(const core::SolveDescription& solve,
                                                          std::int64_t block_begin) {
  Kokkos::View<std::int64_t*, MemorySpace> rows("pint::kernels::saved_rows",
                                                static_cast<size_t>(solve.local_members));
  auto host = Kokkos::create_mirror_view(rows);
  for (std::int64_t j = 0; j < solve.local_members; ++j) {
    host(j) = solve.saved_members.at(static_cast<size_t>(solve.member_offset + j)) - block_begin;
  }
  Kokkos::deep_copy(rows, host);
  return rows;
}

namespace Impl {
// The row map of `rows` (indices into a state view of `members` members): a
// range when rows(j) = rows(0) + j for every j, else an index of every member.
template <class ExecSpace, class RV>
RowMap<Kokkos::View<std::int64_t*, typename RV::memory_space>> row_map(const ExecSpace& exec,
                                                                       const RV& rows,
                                                                       std::int64_t members) {
  using Policy = Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<std::int64_t>>;
  RowMap<Kokkos::View<std::int64_t*, typename RV::memory_space>> map;
  const auto count = static_cast<std::int64_t>(rows.extent(0));
  map.count = count;
  if (count == 0) return map;
  std::int64_t first = 0, out_of_place = 0;
  exec.fence();
  Kokkos::deep_copy(first, Kokkos::subview(rows, 0));
  Kokkos::parallel_reduce(
      "pint::kernels::row_map_check", Policy(exec, 0, count),
      KOKKOS_LAMBDA(std::int64_t j, std::int64_t & bad) { bad += rows(j) != first + j ? 1 : 0; },
      out_of_place);
  map.first = first;
  if (out_of_place == 0) return map;
  map.index = decltype(map.index)(
      Kokkos::view_alloc(Kokkos::WithoutInitializing, "pint::kernels::save_index"),
      static_cast<size_t>(members));
  const auto index = map.index;
  Kokkos::deep_copy(exec, index, std::int64_t{-1});
  Kokkos::parallel_for(
      "pint::kernels::save_index", Policy(exec, 0, count),
      KOKKOS_LAMBDA(std::int64_t j) { index(rows(j)) = j; });
  return map;
}
}  // namespace Impl

// Advances every member over [t0, t1] in n equal steps of (t1 - t0) / n. With a
// save request, rows are sent to its sink at steps 0, m, 2m, ... and n through a
// bounded staging buffer (at most ~4 MiB, whatever the number of steps).
// Blocks until done.
//
// `cancel`, when given, is asked between pieces of the work (every save chunk,
// or every n/16 steps without saving); when it returns true the propagation
// stops, the sink's solve is abandoned, and propagate returns false.
// `Mapping`: members per work item (lanes.hpp), the backend's own by default.
template <class S, class M, class Mapping = NaturalMapping, class ExecSpace, class PV, class SV>
bool propagate(const ExecSpace& exec, const PV& params, const SV& state, double t0, double t1,
               std::int64_t n, const SaveRequest<typename SV::memory_space>* save = nullptr,
               const std::function<bool()>* cancel = nullptr) {
  ScopedRegion region("pint::kernels::propagate");
  if (n < 1) throw std::invalid_argument("pint::kernels::propagate: needs at least one step");
  const double dt = (t1 - t0) / static_cast<double>(n);
  if (save == nullptr || save->sink == nullptr) {
    const std::int64_t piece = cancel ? std::max<std::int64_t>(1, (n + 15) / 16) : n;
    for (std::int64_t first = 0; first < n; first += piece) {
      if (cancel && (*cancel)()) return false;
      advance<S, M, Mapping>(exec, params, state, t0, dt, first, std::min(piece, n - first));
      exec.fence();
    }
    return true;
  }
  const core::SolveDescription& solve = save->solve;
  if (solve.n != n || solve.t0 != t0 || solve.t1 != t1 || solve.dim != S::dim ||
      static_cast<std::int64_t>(save->rows.extent(0)) != solve.local_members ||
      solve.save_every < 1) {
    throw std::invalid_argument(
        "pint::kernels::propagate: the save request describes another solve (t0, t1, n, dim, "
        "members or save_every differ)");
  }
  using Mem = typename SV::memory_space;
  using HostRows = Kokkos::View<double***, Kokkos::LayoutRight, Kokkos::HostSpace,
                                Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
  constexpr bool gather_to_host =
      Kokkos::SpaceAccessibility<ExecSpace, Kokkos::HostSpace>::accessible;
  const std::int64_t saved = solve.saved_steps();
  const auto members = static_cast<size_t>(solve.local_members);
  const std::int64_t row_bytes = std::max<std::int64_t>(1, solve.local_members) * S::dim * 8;
  const std::int64_t chunk =
      std::clamp<std::int64_t>((std::int64_t{4} << 20) / row_bytes, 1, saved);
  // One kernel launch per span of save points: members stay in registers between
  // them, and saved rows are written straight into the buffer the sink lends (for
  // a sink that cannot lend, into a staging buffer handed to write()). On a GPU
  // they are written on the device and copied once into that host span.
  std::vector<double> staging_rows, staging_times;
  Kokkos::View<double***, Kokkos::LayoutRight, Mem> device_rows;
  if (!gather_to_host) {
    device_rows = decltype(device_rows)(
        Kokkos::view_alloc(Kokkos::WithoutInitializing, "pint::kernels::save_buffer"),
        static_cast<size_t>(chunk), members, S::dim);
  }

  const auto map = Impl::row_map(exec, save->rows, static_cast<std::int64_t>(state.extent(0)));

  core::TrajectorySink& sink = *save->sink;
  sink.begin(solve);
  try {
    for (std::int64_t s = 0; s < saved;) {
      core::TrajectorySink::RowSpan span = sink.next_rows(std::min(chunk, saved - s));
      const bool lent = span.rows != nullptr;
      if (!lent) {
        staging_rows.resize(static_cast<size_t>(chunk) * members * S::dim);
        staging_times.resize(static_cast<size_t>(chunk));
        span = {s, std::min(chunk, saved - s), staging_times.data(), staging_rows.data()};
      }
      HostRows rows(span.rows, static_cast<size_t>(span.count), members, S::dim);
      if constexpr (gather_to_host) {
        Impl::advance_saving<S, M, Mapping>(exec, params, state, t0, dt, n, solve.save_every, s,
                                            span.count, map, rows);
      } else {
        Impl::advance_saving<S, M, Mapping>(exec, params, state, t0, dt, n, solve.save_every, s,
                                            span.count, map, device_rows);
        const auto filled_rows = std::make_pair(size_t{0}, static_cast<size_t>(span.count));
        Kokkos::deep_copy(exec, rows,
                          Kokkos::subview(device_rows, filled_rows, Kokkos::ALL, Kokkos::ALL));
      }
      for (std::int64_t slot = 0; slot < span.count; ++slot) {
        span.times[slot] = solve.time_of_step(solve.step_of(s + slot));
      }
      exec.fence();
      if (lent) {
        sink.filled(span.count);
      } else {
        sink.write(span.first, span.count, span.times, span.rows);
      }
      s += span.count;
      if (cancel && s < saved && (*cancel)()) {
        sink.abandon();
        return false;
      }
    }
    sink.commit();
  } catch (...) {
    sink.abandon();
    throw;
  }
  return true;
}

// Convenience overloads on the default execution space instance.
template <class S, class M, class Mapping = NaturalMapping, class PV, class SV>
bool propagate(const PV& params, const SV& state, double t0, double t1, std::int64_t n,
               const SaveRequest<typename SV::memory_space>* save = nullptr) {
  return propagate<S, M, Mapping>(typename SV::execution_space(), params, state, t0, t1, n, save);
}

// Run-time method choice.
template <class S, class Mapping = NaturalMapping, class ExecSpace, class PV, class SV>
bool propagate(const ExecSpace& exec, Method method, const PV& params, const SV& state, double t0,
               double t1, std::int64_t n,
               const SaveRequest<typename SV::memory_space>* save = nullptr,
               const std::function<bool()>* cancel = nullptr) {
  check_method<S>(method);
  return with_method(method, [&](auto m) {
    return propagate<S, decltype(m), Mapping>(exec, params, state, t0, t1, n, save, cancel);
  });
}

}  // namespace pint::kernels
