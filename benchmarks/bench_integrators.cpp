// Ensemble integrator throughput: member-steps/s and GFLOP/s per method and
// ensemble size, against the FP64 peak measured in the same process on the same
// threads, and the hand-written naive and blocked references.
//
//   build/default/benchmarks/pint_bench_integrators --benchmark_counters_tabular=true
#include "pint/core/ensemble.hpp"
#include "pint/core/runtime.hpp"
#include "pint/core/systems.hpp"
#include "pint/kernels/propagate.hpp"

#include "bench_context.hpp"
#include "lorenz.hpp"  // examples/lorenz: a user's system
#include "reference_kernels.hpp"

#include <benchmark/benchmark.h>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <vector>

namespace {

using namespace pint;
using Exec = Kokkos::DefaultExecutionSpace;

// FP64 peak: independent FMA chains held in registers, on every thread (host)
// or many threads (GPU) of the execution space. Counts an FMA as 2 flops.
template <class ExecSpace>
double fp64_peak_gflops(std::int64_t iterations) {
  constexpr bool host = std::is_same<typename ExecSpace::memory_space, Kokkos::HostSpace>::value;
  const int items = host ? ExecSpace().concurrency() : 1 << 20;
  Kokkos::View<double*, typename ExecSpace::memory_space> out("pint::bench::peak_out", items);
  Kokkos::fence();
  Kokkos::Timer timer;
  Kokkos::parallel_for(
      "pint::bench::fp64_peak", Kokkos::RangePolicy<ExecSpace>(0, items), KOKKOS_LAMBDA(int i) {
        constexpr int W = 32;  // 8 vectors of 4 doubles: 8 chains for 2 FMA pipes x 4 cycles
        double a[W];
        for (int j = 0; j < W; ++j)
          a[j] = i + 1e-3 * j;
        const double x = 1.0 + 1e-15, y = 1e-16;
        for (std::int64_t it = 0; it < iterations; ++it) {
          PINT_SIMD
          for (int j = 0; j < W; ++j)
            a[j] = pint::math::fma(a[j], x, y);
        }
        double s = 0;
        for (int j = 0; j < W; ++j)
          s += a[j];
        out(i) = s;
      });
  Kokkos::fence();
  const double seconds = timer.seconds();
  return static_cast<double>(items) * static_cast<double>(iterations) * 32 * 2 / seconds / 1e9;
}

double measured_peak() {
  static const double peak = [] {
    fp64_peak_gflops<Exec>(1 << 20);  // warm up
    double best = 0;
    for (int r = 0; r < 3; ++r)
      best = std::max(best, fp64_peak_gflops<Exec>(Exec().concurrency() > 64 ? 1 << 18 : 1 << 24));
    return best;
  }();
  return peak;
}

double measured_single_thread_peak() {
  static const double peak = [] {
    double best = 0;
    for (int r = 0; r < 3; ++r)
      best = std::max(best, fp64_peak_gflops<Kokkos::Serial>(1 << 24));
    return best;
  }();
  return peak;
}

void report(benchmark::State& state, double seconds, double member_steps, double flops_per_step,
            double peak) {
  state.counters["member_steps_per_s"] = member_steps / seconds;
  if (flops_per_step > 0) {
    const double gflops = member_steps * flops_per_step / seconds / 1e9;
    state.counters["GFLOP_per_s"] = gflops;
    state.counters["peak_GFLOP_per_s"] = peak;
    state.counters["fraction_of_peak"] = gflops / peak;
  }
}

void BM_fp64_peak(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(measured_peak());
  state.counters["GFLOP_per_s"] = measured_peak();
  state.counters["threads"] = Exec().concurrency();
}

// Steps per run so that a run does about `target_flops` of work (>= 0.2 s).
std::int64_t steps_for_work(std::int64_t members, int flops_per_step) {
  const double target_flops = 8e9;
  return std::max<std::int64_t>(
      4, static_cast<std::int64_t>(target_flops /
                                   (static_cast<double>(members) * std::max(flops_per_step, 40))));
}

template <class M>
void BM_oscillator(benchmark::State& state) {
  const std::int64_t members = state.range(0);
  core::EnsembleSpec spec;
  spec.members = members;
  spec.seed = 1;
  spec.params = {core::Distribution::uniform(0.9, 1.1), core::Distribution::uniform(0.1, 0.5)};
  spec.initial = {core::Distribution::constant(1.0), core::Distribution::constant(0.0)};
  auto ens = core::make_ensemble<core::Oscillator, Exec::memory_space>(spec, 0, members);
  constexpr int flops = M::template flops<core::Oscillator>();
  const std::int64_t steps = steps_for_work(members, flops);
  const double dt = 1e-3;
  double seconds = 0;
  std::int64_t first = 0;
  for (auto _ : state) {
    Exec().fence();
    Kokkos::Timer timer;
    kernels::advance<core::Oscillator, M>(Exec(), ens.params, ens.state, 0.0, dt, first, steps);
    Exec().fence();
    const double t = timer.seconds();
    state.SetIterationTime(t);
    seconds += t;
    first += steps;
  }
  report(state, seconds, static_cast<double>(members) * steps * state.iterations(), flops,
         measured_peak());
  state.counters["steps"] = static_cast<double>(steps);
}

// The hand-written references (one thread, no Kokkos), RK4 only.
template <void (*Kernel)(std::int64_t, std::int64_t, double, double*, double*, const double*,
                         const double*)>
void BM_reference_rk4(benchmark::State& state) {
  const std::int64_t members = state.range(0);
  std::vector<double> q(members, 1.0), p(members, 0.0), c1(members), c2(members);
  for (std::int64_t i = 0; i < members; ++i) {
    c1[i] = 2 * 0.3 * (1.0 + 1e-7 * i);
    c2[i] = 1.0 + 1e-7 * i;
  }
  const std::int64_t steps = std::max<std::int64_t>(4, steps_for_work(members, 38) / 4);
  double seconds = 0;
  for (auto _ : state) {
    Kokkos::Timer timer;
    Kernel(members, steps, 1e-3, q.data(), p.data(), c1.data(), c2.data());
    benchmark::DoNotOptimize(q.data());
    const double t = timer.seconds();
    state.SetIterationTime(t);
    seconds += t;
  }
  report(state, seconds, static_cast<double>(members) * steps * state.iterations(), 38,
         measured_single_thread_peak());
}

void sizes(benchmark::internal::Benchmark* b) {
  for (std::int64_t m : {1000, 10000, 100000, 1000000, 10000000})
    b->Arg(m);
  b->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(0.5);
}

// The Lorenz ensemble (examples/lorenz/lorenz.hpp, written as a user writes a
// system; the ensemble benchmark of GPU ODE solvers): sigma = 10, beta = 8/3,
// rho = linspace(0, 21), y0 = (1, 0, 0), RK4 with h = 1e-3. Flops per member
// step: 4 rhs() x 8 + 13 x 3 = 71 (RK4::flops<Lorenz>(), the FMA counted as 2).
void BM_lorenz_rk4(benchmark::State& state) {
  const std::int64_t members = state.range(0);
  core::EnsembleSpec spec;
  spec.members = members;
  spec.params = {core::Distribution::constant(10.0), core::Distribution::linspace(0.0, 21.0),
                 core::Distribution::constant(8.0 / 3.0)};
  spec.initial = {core::Distribution::constant(1.0), core::Distribution::constant(0.0),
                  core::Distribution::constant(0.0)};
  auto ens = core::make_ensemble<Lorenz, Exec::memory_space>(spec, 0, members);
  constexpr int flops = kernels::RK4::flops<Lorenz>();
  static_assert(flops == 71, "RK4 on Lorenz: 4 x 8 + 13 x 3 flops per step");
  const std::int64_t steps = steps_for_work(members, flops);
  double seconds = 0;
  std::int64_t first = 0;
  for (auto _ : state) {
    Exec().fence();
    Kokkos::Timer timer;
    kernels::advance<Lorenz, kernels::RK4>(Exec(), ens.params, ens.state, 0.0, 1e-3, first, steps);
    Exec().fence();
    const double t = timer.seconds();
    state.SetIterationTime(t);
    seconds += t;
    first += steps;
  }
  report(state, seconds, static_cast<double>(members) * steps * state.iterations(), flops,
         measured_peak());
  state.counters["flops_per_step"] = flops;
  state.counters["steps"] = static_cast<double>(steps);
}
BENCHMARK(BM_lorenz_rk4)
    ->Arg(100000)
    ->Arg(1000000)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(0.5);

BENCHMARK(BM_fp64_peak)->Iterations(1);
BENCHMARK_TEMPLATE(BM_oscillator, kernels::ForwardEuler)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_oscillator, kernels::Heun)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_oscillator, kernels::RK4)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_oscillator, kernels::ImplicitMidpoint)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_oscillator, kernels::BackwardEuler)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_reference_rk4, bench::rk4_naive)
    ->Arg(1000000)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(0.5);
BENCHMARK_TEMPLATE(BM_reference_rk4, bench::rk4_blocked<32>)
    ->Arg(1000000)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(0.5);

}  // namespace

int main(int argc, char** argv) {
  pint::core::Runtime runtime(argc, argv);
  benchmark::Initialize(&argc, argv);
  pint::bench::add_context(runtime.size());
  benchmark::AddCustomContext("fp64_peak_GFLOP_per_s", std::to_string(measured_peak()));
  benchmark::AddCustomContext("fp64_peak_single_thread_GFLOP_per_s",
                              std::to_string(measured_single_thread_peak()));
  if (runtime.rank() == 0) benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
