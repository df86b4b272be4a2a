// pint beside plain code on the seed tutorial's problem: the damped oscillator
// (omega0 = 1, zeta = 0.5, y0 = (1, 0)) over linspace(0, 15, 20), forward Euler
// with n = ceil((t1 - t0) / h) steps per slice, h = 0.01 -- the sequential fine
// run, one member. pint runs it through parareal::solve_sequential (Kokkos views,
// one kernel launch per slice, the boundary states copied out); the peer is the
// same arithmetic written plainly: one loop, no Kokkos. Both give the same bits
// (checked before timing); the scaling driver reports the time ratio.
//
//   build/default/benchmarks/pint_bench_peers --benchmark_counters_tabular=true
#include "pint/core/ensemble.hpp"
#include "pint/core/runtime.hpp"
#include "pint/core/systems.hpp"
#include "pint/core/time_grid.hpp"
#include "pint/parareal/solver.hpp"

#include "bench_context.hpp"

#include <benchmark/benchmark.h>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

namespace {

using namespace pint;
using Exec = Kokkos::DefaultExecutionSpace;

constexpr double kOmega0 = 1.0, kZeta = 0.5, kQ0 = 1.0, kP0 = 0.0, kH = 0.01;

std::vector<double> tutorial_times() {
  return core::linspace(0.0, 15.0, 20);
}

// The fine propagator written plainly: the state at every slice end (N x 2).
// Same operations as pint's forward Euler on the oscillator: y += dt f(y) with
// f(q, p) = (p, fma(-omega0^2, q, -(2 zeta omega0) p)), one FMA per component.
void plain_forward_euler(const std::vector<double>& times, double* out) {
  const double c1 = 2.0 * kZeta * kOmega0, c2 = kOmega0 * kOmega0;
  double q = kQ0, p = kP0;
  for (size_t n = 0; n + 1 < times.size(); ++n) {
    const double t0 = times[n], t1 = times[n + 1];
    const std::int64_t steps =
        std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((t1 - t0) / kH)));
    const double dt = (t1 - t0) / static_cast<double>(steps);
    for (std::int64_t s = 0; s < steps; ++s) {
      const double dq = p, dp = std::fma(-c2, q, -(c1 * p));
      q = std::fma(dt, dq, q);
      p = std::fma(dt, dp, p);
    }
    out[2 * n] = q;
    out[2 * n + 1] = p;
  }
}

core::EnsembleBlock<Exec::memory_space> tutorial_member() {
  core::EnsembleSpec spec;
  spec.params = {core::Distribution::constant(kOmega0), core::Distribution::constant(kZeta)};
  spec.initial = {core::Distribution::constant(kQ0), core::Distribution::constant(kP0)};
  return core::make_ensemble<core::Oscillator, Exec::memory_space>(spec, 0, 1);
}

const parareal::Propagator kFine{kernels::Method::euler, kH, 0};

std::int64_t total_steps(const std::vector<double>& times) {
  std::int64_t n = 0;
  for (size_t i = 0; i + 1 < times.size(); ++i)
    n += kFine.steps_for(times[i], times[i + 1]);
  return n;
}

void BM_tutorial_pint(benchmark::State& state) {
  const auto times = tutorial_times();
  const auto ens = tutorial_member();
  for (auto _ : state) {
    auto out = parareal::solve_sequential<core::Oscillator>(Exec(), ens, times, kFine);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["steps_per_s"] = benchmark::Counter(static_cast<double>(total_steps(times)),
                                                     benchmark::Counter::kIsIterationInvariantRate);
}

void BM_tutorial_plain(benchmark::State& state) {
  const auto times = tutorial_times();
  std::vector<double> out(2 * (times.size() - 1));
  for (auto _ : state) {
    plain_forward_euler(times, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.counters["steps_per_s"] = benchmark::Counter(static_cast<double>(total_steps(times)),
                                                     benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(BM_tutorial_pint);
BENCHMARK(BM_tutorial_plain);

// Both must compute the same thing, bit for bit, or the comparison means nothing.
bool same_bits() {
  const auto times = tutorial_times();
  const auto pint_out =
      parareal::solve_sequential<core::Oscillator>(Exec(), tutorial_member(), times, kFine);
  std::vector<double> plain(pint_out.size());
  plain_forward_euler(times, plain.data());
  return std::memcmp(pint_out.data(), plain.data(), plain.size() * sizeof(double)) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  pint::core::Runtime runtime(argc, argv);
  benchmark::Initialize(&argc, argv);
  pint::bench::add_context(runtime.size());
  const bool same = same_bits();
  benchmark::AddCustomContext("pint_equals_plain_bitwise", same ? "true" : "false");
  if (!same) {
    std::fprintf(stderr, "pint_bench_peers: pint and the plain loop give different results\n");
    return 1;
  }
  if (runtime.rank() == 0) benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
