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

// Rounds of one peak run of about 20 ms on Space (calibrated once).
template <class Space>
std::int64_t peak_iterations() {
  static const std::int64_t iterations = kernels::fp64_peak_iterations(Space(), 0.02);
  return iterations;
}

// CPU seconds of every thread of this process.
double process_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// The highest FP64 peak (kernels::fp64_peak's chains) measured on Space's
// threads so far in this process: every fraction of peak divides by it. Other
// work on the machine can only slow a run down, so the highest run is the
// closest to the machine's peak; a fraction can then only be underestimated.
template <class Space>
kernels::Peak& process_peak() {
  static kernels::Peak best = kernels::fp64_peak(Space(), 5);
  return best;
}

// A kernel row and the peak measured alike and close together in time: one
// peak run (the chains, about 20 ms, on the same threads and timed with the
// same clock as the kernel: the thread's CPU time on one thread, the wall
// otherwise) before every timed iteration of the row and one after the last; an
// iteration of a one-thread row at 10^6 members or fewer lasts about as long as
// a peak run (steps_for_work), so both are the best of runs of the same length.
// The row reports
//  - fraction_of_peak: its best iteration (other work on the machine can only
//    slow a run down) over the highest peak run of the process so far, this
//    row's included: the best of each;
//  - fraction_of_peak_mean: its mean iteration over the same peak;
//  - row_peak_GFLOP_per_s, row_peak_mean_GFLOP_per_s: the best and the mean of
//    the row's own peak runs (the machine's state while the row ran; not used as
//    the divisor: one disturbed set of peak runs, e.g. another process taking a
//    core from a two-thread row, would let a fraction exceed 1).
// The test no_kernel_runs_above_the_measured_fp64_peak checks the statistic.
template <class Space>
class PeakAndKernel {
 public:
  void run_peak() {
    const kernels::Peak p = kernels::measure_fp64_peak(Space(), peak_iterations<Space>());
    if (p.gflops > row_peak_.gflops) row_peak_ = p;
    kernels::Peak& process = process_peak<Space>();
    if (p.gflops > process.gflops) process = p;
    peak_sum_ += p.gflops;
    ++peak_runs_;
  }
  void kernel(double seconds) {
    best_seconds_ = runs_ == 0 ? seconds : std::min(best_seconds_, seconds);
    seconds_ += seconds;
    ++runs_;
  }
  double best_seconds() const { return best_seconds_; }
  double mean_seconds() const { return seconds_ / runs_; }
  const kernels::Peak& peak() const { return process_peak<Space>(); }
  // Fractions of peak of iterations of `flops` flops each: the best and the mean
  // iteration over peak().
  double fraction(double flops) const { return flops / best_seconds_ / 1e9 / peak().gflops; }
  double fraction_mean(double flops) const { return flops / mean_seconds() / 1e9 / peak().gflops; }
  // Counters of a row whose every iteration did `member_steps` member-steps of
  // `flops_per_step` flops each (0: not counted).
  void report(benchmark::State& state, double member_steps, double flops_per_step) const {
    state.counters["member_steps_per_s"] = member_steps / mean_seconds();
    state.counters["best_member_steps_per_s"] = member_steps / best_seconds_;
    state.counters["threads"] = peak().threads;
    state.counters["peak_GFLOP_per_s"] = peak().gflops;
    state.counters["row_peak_GFLOP_per_s"] = row_peak_.gflops;
    state.counters["row_peak_mean_GFLOP_per_s"] = peak_sum_ / peak_runs_;
    state.counters["peak_vector_bits"] = peak().vector_bits;
    state.counters["peak_add_chains"] = peak().add_chains;  // 0: the FMA chains alone
    state.counters["peak_fma_GFLOP_per_s"] = peak().fma_gflops;
    state.counters["cpu_time"] = peak().cpu_time;  // 1: one thread, timed with its CPU time
    if (flops_per_step > 0) {
      state.counters["GFLOP_per_s"] = member_steps * flops_per_step / best_seconds_ / 1e9;
      state.counters["fraction_of_peak"] = fraction(member_steps * flops_per_step);
      state.counters["fraction_of_peak_mean"] = fraction_mean(member_steps * flops_per_step);
    }
  }

 private:
  kernels::Peak row_peak_;
  double peak_sum_ = 0;
  int peak_runs_ = 0;
  double best_seconds_ = 0, seconds_ = 0;
  int runs_ = 0;
};

template <class Space>
void BM_fp64_peak(benchmark::State& state) {
  kernels::Peak p;
  for (auto _ : state) {
    p = kernels::fp64_peak(Space(), 5);
    kernels::Peak& process = process_peak<Space>();
    if (p.gflops > process.gflops) process = p;
  }
  state.counters["GFLOP_per_s"] = p.gflops;
  state.counters["threads"] = p.threads;
  state.counters["vector_bits"] = p.vector_bits;
  state.counters["chains"] = p.chains;
  state.counters["add_chains"] = p.add_chains;
  state.counters["fma_GFLOP_per_s"] = p.fma_gflops;
}

// Steps per timed iteration. On a host space: about as long as one peak run
// (20 ms on one core at 80 GFLOP/s: 1.6e9 flops), so that a row's best iteration
// and the best peak run are the same statistic (the best of many runs of the same
// length, interleaved: a disturbance on the machine lasting tens of milliseconds
// takes out a few iterations of each, not every one of a row); but at least 40
// steps, so that the ensemble is read from memory once per 40 steps or less
// (10^7 members then take longer iterations). A GPU gets 2e12 flops, counting a
// step as at least 40 (launches compute-bound), and at least 4 steps.
template <class Space = Kokkos::DefaultHostExecutionSpace>
std::int64_t steps_for_work(std::int64_t members, int flops_per_step) {
  constexpr bool host = Kokkos::SpaceAccessibility<Space, Kokkos::HostSpace>::accessible;
  const double target_flops = host ? 1.6e9 : 2e12;
  const double flops = host ? std::max(flops_per_step, 1) : std::max(flops_per_step, 40);
  const std::int64_t min_steps = host ? 40 : 4;
  return std::max<std::int64_t>(
      min_steps, static_cast<std::int64_t>(target_flops / (static_cast<double>(members) * flops)));
}

// The benchmarks' ensemble: oscillators with spread frequencies and damping.
core::EnsembleSpec oscillator_spec(std::int64_t members) {
  core::EnsembleSpec spec;
  spec.members = members;
  spec.seed = 1;
  spec.params = {core::Distribution::uniform(0.9, 1.1), core::Distribution::uniform(0.1, 0.5)};
  spec.initial = {core::Distribution::constant(1.0), core::Distribution::constant(0.0)};
  return spec;
}

// Members of the method M advanced by the threads of Space (Kokkos::Serial: one
// thread; the default space: all of its threads).
template <class M, class Space>
void BM_oscillator(benchmark::State& state) {
  const std::int64_t members = state.range(0);
  const core::EnsembleSpec spec = oscillator_spec(members);
  auto ens = core::make_ensemble<core::Oscillator, typename Space::memory_space>(spec, 0, members);
  constexpr int flops = M::template flops<core::Oscillator>();
  const std::int64_t steps = steps_for_work<Space>(members, flops);
  const double dt = 1e-3;
  std::int64_t first = 0;
  PeakAndKernel<Space> measured;
  double cpu = 0;
  for (auto _ : state) {
    measured.run_peak();
    Space().fence();
    const double cpu0 = process_cpu_seconds();
    kernels::SpaceTimer<Space> timer;
    kernels::advance<core::Oscillator, M>(Space(), ens.params, ens.state, 0.0, dt, first, steps);
    Space().fence();
    const double t = timer.seconds();
    cpu += process_cpu_seconds() - cpu0;
    state.SetIterationTime(t);
    measured.kernel(t);
    first += steps;
  }
  measured.run_peak();
  // Member-steps per CPU second of all the process's threads: on a machine shared
  // with other work, the same for 1 and 2 threads when the kernel scales (the
  // wall clock of a 2-thread run there measures the other work; spinning at the
  // end of a launch counts as CPU time, so this can only underestimate).
  state.counters["member_steps_per_cpu_s"] =
      static_cast<double>(members) * steps * state.iterations() / cpu;
  measured.report(state, static_cast<double>(members) * steps, flops);
  state.counters["lanes"] = kernels::lanes<Space>();
  state.counters["steps"] = static_cast<double>(steps);
}

// One thread against every thread of the default space, interleaved: each
// iteration advances the same ensemble on Kokkos::Serial (one thread, timed with
// its CPU time) and then on the default space (all its threads, the wall
// clock) the same steps, each after a peak run on its threads (PeakAndKernel). `speedup` is
// the best all-thread iteration's rate over the best one-thread iteration's
// (`speedup_mean`: the means'); both sides are measured within the same
// seconds, so a change of the machine's speed over minutes does not enter the
// ratio. The fractions are each side's best over its own best peak.
template <class M, class All>
void BM_threads(benchmark::State& state) {
  using One = Kokkos::Serial;
  const std::int64_t members = state.range(0);
  const core::EnsembleSpec spec = oscillator_spec(members);
  // Each side its own ensemble (the same members), so that neither reads lines
  // the other side's threads last wrote.
  auto ens1 = core::make_ensemble<core::Oscillator, Kokkos::HostSpace>(spec, 0, members);
  auto ens2 = core::make_ensemble<core::Oscillator, typename All::memory_space>(spec, 0, members);
  constexpr int flops = M::template flops<core::Oscillator>();
  const std::int64_t steps = steps_for_work<One>(members, flops);
  const double dt = 1e-3;
  std::int64_t first = 0;
  PeakAndKernel<One> one;
  PeakAndKernel<All> all;
  for (auto _ : state) {
    one.run_peak();
    kernels::SpaceTimer<One> one_timer;
    kernels::advance<core::Oscillator, M>(One(), ens1.params, ens1.state, 0.0, dt, first, steps);
    One().fence();
    const double t1 = one_timer.seconds();
    one.kernel(t1);
    all.run_peak();
    All().fence();
    kernels::SpaceTimer<All> all_timer;
    kernels::advance<core::Oscillator, M>(All(), ens2.params, ens2.state, 0.0, dt, first, steps);
    All().fence();
    const double t2 = all_timer.seconds();
    all.kernel(t2);
    first += steps;
    state.SetIterationTime(t1 + t2);
  }
  one.run_peak();
  all.run_peak();
  const double work = static_cast<double>(members) * steps;
  state.counters["threads"] = all.peak().threads;
  state.counters["speedup"] = one.best_seconds() / all.best_seconds();
  state.counters["speedup_mean"] = one.mean_seconds() / all.mean_seconds();
  state.counters["one_thread_fraction_of_peak"] = one.fraction(work * flops);
  state.counters["all_threads_fraction_of_peak"] = all.fraction(work * flops);
  state.counters["peak_speedup"] = all.peak().gflops / one.peak().gflops;
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
  const std::int64_t steps = steps_for_work(members, 38);  // the RK4 rows' steps
  PeakAndKernel<Kokkos::Serial> measured;
  for (auto _ : state) {
    measured.run_peak();
    kernels::SpaceTimer<Kokkos::Serial> timer;  // the calling thread's CPU time
    Kernel(members, steps, 1e-3, q.data(), p.data(), c1.data(), c2.data());
    benchmark::DoNotOptimize(q.data());
    const double t = timer.seconds();
    state.SetIterationTime(t);
    measured.kernel(t);
  }
  measured.run_peak();
  measured.report(state, static_cast<double>(members) * steps, 38);
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

// A row runs for at least 1 s of kernel time: about 50 iterations of 20 ms (see
// steps_for_work), each after a peak run, spread over 2 s of the machine's time.
void sizes(benchmark::internal::Benchmark* b) {
  for (std::int64_t m : member_counts())
    b->Arg(m);
  b->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(1.0);
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
  std::int64_t first = 0;
  PeakAndKernel<Space> measured;
  for (auto _ : state) {
    measured.run_peak();
    Space().fence();
    kernels::SpaceTimer<Space> timer;
    kernels::advance<Lorenz, kernels::RK4>(Space(), ens.params, ens.state, 0.0, 1e-3, first, steps);
    Space().fence();
    const double t = timer.seconds();
    state.SetIterationTime(t);
    measured.kernel(t);
    first += steps;
  }
  measured.run_peak();
  measured.report(state, static_cast<double>(members) * steps, flops);
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

// BM_threads rows for every method, when All is a host space other than Serial.
template <class All>
void register_threads() {
  if constexpr (std::is_same<typename All::memory_space, Kokkos::HostSpace>::value &&
                !std::is_same<All, Kokkos::Serial>::value) {
    const std::string where = std::string("/") + All::name();
    for (auto [name, bench] :
         {std::make_pair("BM_threads<euler>", &BM_threads<kernels::ForwardEuler, All>),
          std::make_pair("BM_threads<heun>", &BM_threads<kernels::Heun, All>),
          std::make_pair("BM_threads<rk4>", &BM_threads<kernels::RK4, All>)}) {
      auto* b = benchmark::RegisterBenchmark((name + where).c_str(), bench);
      const std::vector<std::int64_t> counts = member_counts();
      const std::int64_t largest = *std::max_element(counts.begin(), counts.end());
      for (std::int64_t m : counts)
        if (m >= 100000 || (m == largest && largest < 100000)) b->Arg(m);
      // An iteration is one thread's run and all threads' (~20 ms + ~10 ms on two
      // threads): 1.5 s gives each side about 50, as a size row has.
      b->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(1.5);
    }
  }
}

void register_all() {
  register_space<Kokkos::Serial>();
  if constexpr (!std::is_same<Exec, Kokkos::Serial>::value) register_space<Exec>();
  register_threads<Exec>();
  for (auto [name, kernel] :
       {std::make_pair("BM_reference_rk4<naive>", &BM_reference_rk4<bench::rk4_naive>),
        std::make_pair("BM_reference_rk4<blocked32>", &BM_reference_rk4<bench::rk4_blocked<32>>),
        std::make_pair("BM_reference_rk4<blocked64>", &BM_reference_rk4<bench::rk4_blocked<64>>)}) {
    benchmark::RegisterBenchmark(name, kernel)
        ->Arg(1000000)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond)
        ->MinTime(1.0);
  }
}

}  // namespace

int main(int argc, char** argv) {
  pint::core::Runtime runtime(argc, argv);
  benchmark::Initialize(&argc, argv);
  pint::bench::add_context(runtime.size());
  const auto peak = process_peak<Exec>();
  benchmark::AddCustomContext("fp64_peak_GFLOP_per_s", std::to_string(peak.gflops));
  benchmark::AddCustomContext("fp64_peak_vector_bits", std::to_string(peak.vector_bits));
  benchmark::AddCustomContext("fp64_peak_add_chains", std::to_string(peak.add_chains));
  benchmark::AddCustomContext("fp64_peak_fma_chains_alone_GFLOP_per_s",
                              std::to_string(peak.fma_gflops));
  benchmark::AddCustomContext("fp64_peak_single_thread_GFLOP_per_s",
                              std::to_string(process_peak<Kokkos::Serial>().gflops));
  benchmark::AddCustomContext("host_lanes", std::to_string(pint::kernels::host_lanes()));
  register_all();
  if (runtime.rank() == 0) benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
