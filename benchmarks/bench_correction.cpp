// The parareal correction U <- F + (G_new - G_old) with its largest change:
// pint's fused one-pass kernel against the same update composed of Kokkos Kernels
// calls (update, update, update, nrminf, nrminf, copy). Both give the same bits.
//
//   build/default/benchmarks/pint_bench_correction --benchmark_counters_tabular=true
#include "pint/core/runtime.hpp"
#include "pint/kernels/correction.hpp"

#include "bench_context.hpp"

#include <benchmark/benchmark.h>
#include <Kokkos_Core.hpp>

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

void sizes(benchmark::internal::Benchmark* b) {
  for (std::int64_t m : {10000, 100000, 1000000, 10000000})
    b->Arg(m);
  b->UseManualTime()->Unit(benchmark::kMicrosecond);
}
BENCHMARK_TEMPLATE(BM_correction, false)->Name("BM_correction_fused")->Apply(sizes);
BENCHMARK_TEMPLATE(BM_correction, true)->Name("BM_correction_kokkos_kernels")->Apply(sizes);

}  // namespace

int main(int argc, char** argv) {
  pint::core::Runtime runtime(argc, argv);
  benchmark::Initialize(&argc, argv);
  pint::bench::add_context(runtime.size());
  if (runtime.rank() == 0) benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
