// The parareal correction U <- F + (G_new - G_old) with its largest change:
// pint's fused one-pass kernel against the same update composed of Kokkos Kernels
// calls (update, update, update, nrminf, nrminf, copy). Both give the same bits.
//
// And one coarse solve of the parareal sweep (kernels::coarse_correct: one
// forward-Euler step of the oscillator in registers, the correction, G_new and
// the change in one pass) against a plain STREAM-like pass over the same five
// arrays (read U_n, F, G_old, U; write U, G_new): BM_coarse_pair times the two
// back to back in every iteration (rotating order) and reports the median of
// the per-pair ratios (fused / plain). The target is <= 1.5.
//
//   build/default/benchmarks/pint_bench_correction --benchmark_counters_tabular=true
#include "pint/core/ensemble.hpp"
#include "pint/core/runtime.hpp"
#include "pint/core/systems.hpp"
#include "pint/kernels/correction.hpp"
#include "pint/kernels/sweep.hpp"

#include "bench_context.hpp"

#include <benchmark/benchmark.h>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace {

using Exec = Kokkos::DefaultExecutionSpace;
using View = Kokkos::View<double**, Kokkos::LayoutLeft, Exec::memory_space>;

struct Arrays {
  View u, f, gn, go, w, d;
  explicit Arrays(size_t m)
      : u("u", m, size_t(2)),
        f("f", m, size_t(2)),
        gn("gn", m, size_t(2)),
        go("go", m, size_t(2)),
        w("w", m, size_t(2)),
        d("d", m, size_t(2)) {
    Kokkos::deep_copy(f, 1.0);
    Kokkos::deep_copy(gn, 0.5);
    Kokkos::deep_copy(go, 0.25);
    Kokkos::deep_copy(u, 1.0);
  }
};

// Bytes the fused pass must move: read u, f, g_new, g_old; write u.
double fused_bytes(size_t m) {
  return 5.0 * 8 * 2 * static_cast<double>(m);
}

// The fused kernel, or the Kokkos Kernels composition of the same update.
template <bool Composed>
void BM_correction(benchmark::State& state) {
  Arrays a(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    Kokkos::Timer timer;
    auto c = Composed ? pint::kernels::correct_composed(Exec(), a.u, a.f, a.gn, a.go, a.w, a.d)
                      : pint::kernels::correct_fused(Exec(), a.u, a.f, a.gn, a.go);
    benchmark::DoNotOptimize(c);
    state.SetIterationTime(timer.seconds());
  }
  // The fused pass's bytes for both, so the two GB/s figures compare directly.
  state.counters["GB_per_s"] = benchmark::Counter(fused_bytes(a.u.extent(0)) / 1e9,
                                                  benchmark::Counter::kIsIterationInvariantRate);
  state.counters["members_per_s"] = benchmark::Counter(
      static_cast<double>(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
}

// The five arrays of one slice of the sweep, and the members' parameters.
struct Slice {
  View in, u, f, g_old, g_new, params;
  explicit Slice(size_t m)
      : in("in", m, size_t(2)),
        u("u", m, size_t(2)),
        f("f", m, size_t(2)),
        g_old("g_old", m, size_t(2)),
        g_new("g_new", m, size_t(2)),
        params("params", m, size_t(2)) {
    Kokkos::deep_copy(in, 1.0);
    Kokkos::deep_copy(u, 1.0);
    Kokkos::deep_copy(f, 0.75);
    Kokkos::deep_copy(g_old, 0.5);
    Kokkos::deep_copy(params, 0.5);
  }
};

// Bytes the plain pass moves: read in, f, g_old, u; write u, g_new.
double plain_bytes(size_t m) {
  return 6.0 * 8 * 2 * static_cast<double>(m);
}

// The reference: u = f + (in - g_old), g_new = in over the same arrays, one
// pass, nothing computed but the additions.
struct PlainPass {
  View in, u, f, g_old, g_new;
  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t j) const {
    for (int c = 0; c < 2; ++c) {
      const double x = in(j, c);
      u(j, c) = f(j, c) + (x - g_old(j, c));
      g_new(j, c) = x;
    }
  }
};

void plain_pass(const Slice& s) {
  Kokkos::parallel_for("pint::bench::plain_five_array_pass",
                       Kokkos::RangePolicy<Exec, Kokkos::IndexType<std::int64_t>>(
                           0, static_cast<std::int64_t>(s.in.extent(0))),
                       PlainPass{s.in, s.u, s.f, s.g_old, s.g_new});
  Exec().fence();
}

pint::kernels::Correction coarse_pass(const Slice& s) {
  return pint::kernels::coarse_correct<pint::core::Oscillator, pint::kernels::ForwardEuler>(
      Exec(), s.params, s.in, s.u, s.f, s.g_old, s.g_new, 0.0, 0.75, 1);
}

template <bool Fused>
void BM_coarse(benchmark::State& state) {
  Slice s(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    Kokkos::Timer timer;
    if constexpr (Fused) {
      auto c = coarse_pass(s);
      benchmark::DoNotOptimize(c);
    } else {
      plain_pass(s);
    }
    state.SetIterationTime(timer.seconds());
  }
  state.counters["GB_per_s"] = benchmark::Counter(plain_bytes(s.in.extent(0)) / 1e9,
                                                  benchmark::Counter::kIsIterationInvariantRate);
  state.counters["members_per_s"] = benchmark::Counter(
      static_cast<double>(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
}

// Both passes back to back, order alternating; the median of fused / plain.
void BM_coarse_pair(benchmark::State& state) {
  Slice s(static_cast<size_t>(state.range(0)));
  std::vector<double> ratios;
  for (auto _ : state) {
    double t[2] = {0.0, 0.0};
    const bool fused_first = ratios.size() % 2 == 0;
    for (int j = 0; j < 2; ++j) {
      Kokkos::Timer timer;
      if ((j == 0) == fused_first) {
        auto c = coarse_pass(s);
        benchmark::DoNotOptimize(c);
        t[0] = timer.seconds();
      } else {
        plain_pass(s);
        t[1] = timer.seconds();
      }
    }
    ratios.push_back(t[0] / t[1]);
    state.SetIterationTime(t[0] + t[1]);
  }
  std::sort(ratios.begin(), ratios.end());
  state.counters["fused_over_plain"] = ratios.empty() ? 0.0 : ratios[ratios.size() / 2];
  state.counters["pairs"] = static_cast<double>(ratios.size());
}

void sizes(benchmark::internal::Benchmark* b) {
  for (std::int64_t m : {10000, 100000, 1000000, 10000000})
    b->Arg(m);
  b->UseManualTime()->Unit(benchmark::kMicrosecond);
}
BENCHMARK_TEMPLATE(BM_correction, false)->Name("BM_correction_fused")->Apply(sizes);
BENCHMARK_TEMPLATE(BM_correction, true)->Name("BM_correction_kokkos_kernels")->Apply(sizes);

void coarse_sizes(benchmark::internal::Benchmark* b) {
  for (std::int64_t m : {100000, 1000000, 10000000})
    b->Arg(m);
  b->UseManualTime()->Unit(benchmark::kMicrosecond);
}
BENCHMARK_TEMPLATE(BM_coarse, true)->Name("BM_coarse_correct_euler1")->Apply(coarse_sizes);
BENCHMARK_TEMPLATE(BM_coarse, false)->Name("BM_plain_five_array_pass")->Apply(coarse_sizes);
BENCHMARK(BM_coarse_pair)->Apply(coarse_sizes);

}  // namespace

int main(int argc, char** argv) {
  pint::core::Runtime runtime(argc, argv);
  benchmark::Initialize(&argc, argv);
  pint::bench::add_context(runtime.size());
  if (runtime.rank() == 0) benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
