// Ensemble integrator throughput: member-steps/s and GFLOP/s per method and
// ensemble size, against the FP64 peak measured in the same process on the same
// threads, and the hand-written naive and blocked references.
//
//   build/default/benchmarks/pint_bench_integrators --benchmark_counters_tabular=true
#include "pint/core/ensemble.hpp"
#include "pint/core/runtime.hpp"
#include "pint/core/systems.hpp"
#include "pint/kernels/peak.hpp"
#include "pint/kernels/propagate.hpp"

#include "bench_context.hpp"
#include "lorenz.hpp"  // examples/lorenz: a user's system
#include "reference_kernels.hpp"

#include <benchmark/benchmark.h>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

using namespace pint;
using Exec = Kokkos::DefaultExecutionSpace;

// The FP64 peak of a space (pint::kernels::fp64_peak: the widest FMA vectors
// the build targets, on every thread of the space), measured again beside every
// throughput. The highest figure seen so far in this process is the one every
// fraction divides by: other processes can only slow a measurement down, so
// each one is a lower bound of the machine's peak.
template <class Space>
kernels::Peak& best_peak() {
  static kernels::Peak best;
  return best;
}
template <class Space>
kernels::Peak measure_peak(int repeats = 3) {
  const kernels::Peak p = kernels::fp64_peak(Space(), repeats);
  kernels::Peak& best = best_peak<Space>();
  if (p.gflops > best.gflops) best = p;
  return best;
}

// CPU seconds of every thread of this process.
double process_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Throughput counters; fraction_of_peak uses the peak of the threads that ran.
void report(benchmark::State& state, double seconds, double member_steps, double flops_per_step,
            const kernels::Peak& peak) {
  state.counters["member_steps_per_s"] = member_steps / seconds;
  state.counters["threads"] = peak.threads;
  state.counters["peak_GFLOP_per_s"] = peak.gflops;
  state.counters["peak_vector_bits"] = peak.vector_bits;
  state.counters["cpu_time"] = peak.cpu_time;  // 1: one thread, timed with its CPU time
  if (flops_per_step > 0) {
    const double gflops = member_steps * flops_per_step / seconds / 1e9;
    state.counters["GFLOP_per_s"] = gflops;
    state.counters["fraction_of_peak"] = gflops / peak.gflops;
  }
}

template <class Space>
void BM_fp64_peak(benchmark::State& state) {
  kernels::Peak p;
  for (auto _ : state)
    p = measure_peak<Space>(5);
  state.counters["GFLOP_per_s"] = p.gflops;
  state.counters["threads"] = p.threads;
  state.counters["vector_bits"] = p.vector_bits;
  state.counters["chains"] = p.chains;
}

// Steps per run so that a run does about `target_flops` of work (>= 0.2 s on a
// CPU core; a GPU gets 250 times more, so that its launches are compute-bound).
template <class Space = Kokkos::DefaultHostExecutionSpace>
std::int64_t steps_for_work(std::int64_t members, int flops_per_step) {
  constexpr bool host = Kokkos::SpaceAccessibility<Space, Kokkos::HostSpace>::accessible;
  const double target_flops = host ? 8e9 : 2e12;
  return std::max<std::int64_t>(
      4, static_cast<std::int64_t>(target_flops /
                                   (static_cast<double>(members) * std::max(flops_per_step, 40))));
}

// Members of the method M advanced by the threads of Space (Kokkos::Serial: one
// thread; the default space: all of its threads).
template <class M, class Space>
void BM_oscillator(benchmark::State& state) {
  const std::int64_t members = state.range(0);
  core::EnsembleSpec spec;
  spec.members = members;
  spec.seed = 1;
  spec.params = {core::Distribution::uniform(0.9, 1.1), core::Distribution::uniform(0.1, 0.5)};
  spec.initial = {core::Distribution::constant(1.0), core::Distribution::constant(0.0)};
  auto ens = core::make_ensemble<core::Oscillator, typename Space::memory_space>(spec, 0, members);
  constexpr int flops = M::template flops<core::Oscillator>();
  const std::int64_t steps = steps_for_work<Space>(members, flops);
  const double dt = 1e-3;
  double seconds = 0;
  std::int64_t first = 0;
  measure_peak<Space>();
  const double cpu0 = process_cpu_seconds();
  for (auto _ : state) {
    Space().fence();
    kernels::SpaceTimer<Space> timer;
    kernels::advance<core::Oscillator, M>(Space(), ens.params, ens.state, 0.0, dt, first, steps);
    Space().fence();
    const double t = timer.seconds();
    state.SetIterationTime(t);
    seconds += t;
    first += steps;
  }
  const double cpu = process_cpu_seconds() - cpu0;
  // Member-steps per CPU second of all the process's threads: on a machine shared
  // with other work, the same for 1 and 2 threads when the kernel scales (the
  // wall clock of a 2-thread run there measures the other work; spinning at the
  // end of a launch counts as CPU time, so this can only underestimate).
  state.counters["member_steps_per_cpu_s"] =
      static_cast<double>(members) * steps * state.iterations() / cpu;
  measure_peak<Space>();  // before and after the runs: the best seen is the peak
  report(state, seconds, static_cast<double>(members) * steps * state.iterations(), flops,
         best_peak<Space>());
  state.counters["lanes"] = kernels::lanes<Space>();
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
  measure_peak<Kokkos::Serial>();
  double seconds = 0;
  for (auto _ : state) {
    kernels::SpaceTimer<Kokkos::Serial> timer;  // the calling thread's CPU time
    Kernel(members, steps, 1e-3, q.data(), p.data(), c1.data(), c2.data());
    benchmark::DoNotOptimize(q.data());
    const double t = timer.seconds();
    state.SetIterationTime(t);
    seconds += t;
  }
  measure_peak<Kokkos::Serial>();
  report(state, seconds, static_cast<double>(members) * steps * state.iterations(), 38,
         best_peak<Kokkos::Serial>());
}

// Ensemble sizes: 10^3 ... 10^7, or the comma-separated list in
// PINT_BENCH_MEMBERS (the GPU check runs 10^6, 10^7 and 10^8).
std::vector<std::int64_t> member_counts() {
  std::vector<std::int64_t> counts;
  if (const char* env = std::getenv("PINT_BENCH_MEMBERS")) {
    for (const char* p = env; *p != '\0';) {
      char* end = nullptr;
      const long long m = std::strtoll(p, &end, 10);
      if (end == p || m < 1) break;
      counts.push_back(m);
      p = *end == ',' ? end + 1 : end;
    }
  }
  if (counts.empty()) counts = {1000, 10000, 100000, 1000000, 10000000};
  return counts;
}

void sizes(benchmark::internal::Benchmark* b) {
  for (std::int64_t m : member_counts())
    b->Arg(m);
  b->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(0.5);
}

// The Lorenz ensemble (examples/lorenz/lorenz.hpp, written as a user writes a
// system; the ensemble benchmark of GPU ODE solvers): sigma = 10, beta = 8/3,
// rho = linspace(0, 21), y0 = (1, 0, 0), RK4 with h = 1e-3, on the threads of
// Space. Flops per member step: 4 rhs() x 8 + 13 x 3 = 71 (RK4::flops<Lorenz>(),
// the FMA counted as 2).
template <class Space>
void BM_lorenz_rk4(benchmark::State& state) {
  const std::int64_t members = state.range(0);
  core::EnsembleSpec spec;
  spec.members = members;
  spec.params = {core::Distribution::constant(10.0), core::Distribution::linspace(0.0, 21.0),
                 core::Distribution::constant(8.0 / 3.0)};
  spec.initial = {core::Distribution::constant(1.0), core::Distribution::constant(0.0),
                  core::Distribution::constant(0.0)};
  auto ens = core::make_ensemble<Lorenz, typename Space::memory_space>(spec, 0, members);
  constexpr int flops = kernels::RK4::flops<Lorenz>();
  static_assert(flops == 71, "RK4 on Lorenz: 4 x 8 + 13 x 3 flops per step");
  const std::int64_t steps = steps_for_work<Space>(members, flops);
  double seconds = 0;
  std::int64_t first = 0;
  measure_peak<Space>();
  for (auto _ : state) {
    Space().fence();
    kernels::SpaceTimer<Space> timer;
    kernels::advance<Lorenz, kernels::RK4>(Space(), ens.params, ens.state, 0.0, 1e-3, first, steps);
    Space().fence();
    const double t = timer.seconds();
    state.SetIterationTime(t);
    seconds += t;
    first += steps;
  }
  measure_peak<Space>();
  report(state, seconds, static_cast<double>(members) * steps * state.iterations(), flops,
         best_peak<Space>());
  state.counters["flops_per_step"] = flops;
  state.counters["steps"] = static_cast<double>(steps);
}

// One thread (Kokkos::Serial), then every thread of the default space when that
// is another (OpenMP): the rows of the two carry `threads`.
template <class Space>
void register_space() {
  benchmark::RegisterBenchmark("BM_fp64_peak", BM_fp64_peak<Space>)->Iterations(1);
  const std::string where = std::string("/") + Space::name();
  benchmark::RegisterBenchmark(("BM_oscillator<euler>" + where).c_str(),
                               BM_oscillator<kernels::ForwardEuler, Space>)
      ->Apply(sizes);
  benchmark::RegisterBenchmark(("BM_oscillator<heun>" + where).c_str(),
                               BM_oscillator<kernels::Heun, Space>)
      ->Apply(sizes);
  benchmark::RegisterBenchmark(("BM_oscillator<rk4>" + where).c_str(),
                               BM_oscillator<kernels::RK4, Space>)
      ->Apply(sizes);
  benchmark::RegisterBenchmark(("BM_oscillator<implicit-midpoint>" + where).c_str(),
                               BM_oscillator<kernels::ImplicitMidpoint, Space>)
      ->Apply(sizes);
  benchmark::RegisterBenchmark(("BM_oscillator<backward-euler>" + where).c_str(),
                               BM_oscillator<kernels::BackwardEuler, Space>)
      ->Apply(sizes);
  auto* lorenz =
      benchmark::RegisterBenchmark(("BM_lorenz_rk4" + where).c_str(), BM_lorenz_rk4<Space>);
  const std::vector<std::int64_t> counts = member_counts();
  bool any = false;
  for (std::int64_t m : counts) {
    if (m >= 100000) {
      lorenz->Arg(m);
      any = true;
    }
  }
  if (!any) lorenz->Arg(*std::max_element(counts.begin(), counts.end()));
  lorenz->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(0.5);
}

void register_all() {
  register_space<Kokkos::Serial>();
  if constexpr (!std::is_same<Exec, Kokkos::Serial>::value) register_space<Exec>();
  for (auto [name, kernel] :
       {std::make_pair("BM_reference_rk4<naive>", &BM_reference_rk4<bench::rk4_naive>),
        std::make_pair("BM_reference_rk4<blocked32>", &BM_reference_rk4<bench::rk4_blocked<32>>),
        std::make_pair("BM_reference_rk4<blocked64>", &BM_reference_rk4<bench::rk4_blocked<64>>)}) {
    benchmark::RegisterBenchmark(name, kernel)
        ->Arg(1000000)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond)
        ->MinTime(0.5);
  }
}

}  // namespace

int main(int argc, char** argv) {
  pint::core::Runtime runtime(argc, argv);
  benchmark::Initialize(&argc, argv);
  pint::bench::add_context(runtime.size());
  const auto peak = measure_peak<Exec>(5);
  benchmark::AddCustomContext("fp64_peak_GFLOP_per_s", std::to_string(peak.gflops));
  benchmark::AddCustomContext("fp64_peak_vector_bits", std::to_string(peak.vector_bits));
  benchmark::AddCustomContext("fp64_peak_single_thread_GFLOP_per_s",
                              std::to_string(measure_peak<Kokkos::Serial>(5).gflops));
  benchmark::AddCustomContext("host_lanes", std::to_string(pint::kernels::host_lanes()));
  register_all();
  if (runtime.rank() == 0) benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
