// pint beside plain code on the seed tutorial's problem: the damped oscillator
// (omega0 = 1, zeta = 0.5, y0 = (1, 0)) over linspace(0, 15, 20), forward Euler
// with n = ceil((t1 - t0) / h) steps per slice, h = 0.01 -- the sequential fine
// run, one member. pint runs it through parareal::solve_sequential (Kokkos views,
// one kernel launch per slice, the boundary states copied out); the peer is the
// same arithmetic written plainly: one loop, no Kokkos. Both give the same bits
// (checked before timing); the scaling driver reports the time ratio.
//
// With a Kokkos Kernels that has its ODE component (4.x; the `openmp` preset
// against ../shared/toolchains/build-kokkos.sh's install), an ensemble beside
// KokkosODE::Experimental::RungeKutta<RK4> too: 10^6 oscillators, one member
// per work item, the same steps on the same backend, the same results to 1e-12
// (checked before timing), and pint's rate over theirs in one benchmark row.
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

#if __has_include(<KokkosODE_RungeKutta.hpp>)
#include <KokkosODE_RungeKutta.hpp>
#define PINT_HAVE_KOKKOS_ODE 1
#else
#define PINT_HAVE_KOKKOS_ODE 0
#endif

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

#if PINT_HAVE_KOKKOS_ODE
// --- Kokkos Kernels' ODE solver, RK4 table, one member per work item ---------

// The damped oscillator as KokkosODE wants it, with pint's coefficients
// (c1 = 2 zeta omega0, c2 = omega0^2) and right-hand side.
struct OscillatorOde {
  static constexpr int neqs = 2;
  double c1, c2;
  template <class Y, class F>
  KOKKOS_FUNCTION void evaluate_function(double, double, const Y& y, const F& f) const {
    f(0) = y(1);
    f(1) = pint::math::fma(-c2, y(0), -(c1 * y(1)));
  }
};

using Rk4 = KokkosODE::Experimental::RungeKutta<KokkosODE::Experimental::RK_type::RK4>;

// Each member advanced by RungeKutta<RK4>::Solve with fixed steps, its vectors
// in registers/stack (unmanaged views), the end state written back.
template <class PV, class SV, class CV>
struct KokkosOdeRk4 {
  PV params;
  SV state;
  CV steps_taken;
  double t0, t1;
  int steps;
  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t j) const {
    using Vec = Kokkos::View<double*, Kokkos::AnonymousSpace, Kokkos::MemoryUnmanaged>;
    using Stages = Kokkos::View<double**, Kokkos::LayoutRight, Kokkos::AnonymousSpace,
                                Kokkos::MemoryUnmanaged>;
    constexpr int stages = 4;
    double y0[2] = {state(j, 0), state(j, 1)}, y[2], temp[2], k[stages * 2];
    const double omega0 = params(j, 0), zeta = params(j, 1);
    const OscillatorOde ode{2.0 * zeta * omega0, omega0 * omega0};
    const KokkosODE::Experimental::ODE_params fixed(steps);
    int count = 0;
    Rk4::Solve(ode, fixed, t0, t1, Vec(y0, 2), Vec(y, 2), Vec(temp, 2), Stages(k, stages, 2),
               &count);
    state(j, 0) = y0[0];
    state(j, 1) = y0[1];
    if (j == 0) steps_taken(0) = count;
  }
};

constexpr std::int64_t kOdeMembers = 1000000;
constexpr int kOdeSteps = 100;
constexpr double kOdeT1 = 0.1;  // h = 1e-3

core::EnsembleBlock<Exec::memory_space> ode_ensemble() {
  core::EnsembleSpec spec;
  spec.members = kOdeMembers;
  spec.seed = 11;
  spec.params = {core::Distribution::uniform(0.5, 2.0), core::Distribution::uniform(0.05, 1.5)};
  spec.initial = {core::Distribution::uniform(-1.0, 1.0), core::Distribution::uniform(-1.0, 1.0)};
  return core::make_ensemble<core::Oscillator, Exec::memory_space>(spec, 0, kOdeMembers);
}

// Kokkos Kernels' steps (it may add a final step of the rounding left in t).
int kokkos_ode_rk4(const core::EnsembleBlock<Exec::memory_space>& ens) {
  Kokkos::View<int*, Exec::memory_space> taken("pint::bench::ode_steps", 1);
  using F = KokkosOdeRk4<decltype(ens.params), decltype(ens.state), decltype(taken)>;
  Kokkos::parallel_for("pint::bench::kokkos_ode_rk4",
                       Kokkos::RangePolicy<Exec, Kokkos::IndexType<std::int64_t>>(0, kOdeMembers),
                       F{ens.params, ens.state, taken, 0.0, kOdeT1, kOdeSteps});
  Exec().fence();
  int steps = 0;
  Kokkos::deep_copy(steps, Kokkos::subview(taken, 0));
  return steps;
}

void pint_rk4(const core::EnsembleBlock<Exec::memory_space>& ens) {
  kernels::propagate<core::Oscillator, kernels::RK4>(Exec(), ens.params, ens.state, 0.0, kOdeT1,
                                                     kOdeSteps);
}

// Largest difference between the two solvers' end states, from the same start.
double ode_max_difference(int* kokkos_steps) {
  auto a = ode_ensemble();
  auto b = ode_ensemble();
  pint_rk4(a);
  *kokkos_steps = kokkos_ode_rk4(b);
  std::vector<double> ya, yb;
  core::append_rows(a.state, ya);
  core::append_rows(b.state, yb);
  double d = 0;
  for (size_t i = 0; i < ya.size(); ++i)
    d = std::max(d, std::fabs(ya[i] - yb[i]));
  return d;
}

// Both solvers, alternating, in each iteration: the ratio of their rates comes
// from the same minutes of the machine.
void BM_ensemble_rk4_pint_vs_kokkos_ode(benchmark::State& state) {
  auto ens = ode_ensemble();
  double pint_s = 0, kokkos_s = 0;
  int kokkos_steps = kOdeSteps;
  for (auto _ : state) {
    Kokkos::Timer timer;
    pint_rk4(ens);
    pint_s += timer.seconds();
    timer.reset();
    kokkos_steps = kokkos_ode_rk4(ens);
    kokkos_s += timer.seconds();
  }
  const double n = static_cast<double>(state.iterations()) * kOdeMembers;
  state.counters["members"] = kOdeMembers;
  state.counters["steps"] = kOdeSteps;
  state.counters["threads"] = Exec().concurrency();
  state.counters["pint_member_steps_per_s"] = n * kOdeSteps / pint_s;
  state.counters["kokkos_ode_member_steps_per_s"] = n * kokkos_steps / kokkos_s;
  state.counters["pint_over_kokkos_ode"] = (n * kOdeSteps / pint_s) / (n * kokkos_steps / kokkos_s);
}
BENCHMARK(BM_ensemble_rk4_pint_vs_kokkos_ode)->Unit(benchmark::kMillisecond)->MinTime(1.0);
#endif

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
#if PINT_HAVE_KOKKOS_ODE
  int kokkos_steps = 0;
  const double difference = ode_max_difference(&kokkos_steps);
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", difference);
  benchmark::AddCustomContext("kokkos_ode_rk4_max_difference", text);
  benchmark::AddCustomContext("kokkos_ode_rk4_steps", std::to_string(kokkos_steps));
  if (!(difference <= 1e-12)) {
    std::fprintf(stderr,
                 "pint_bench_peers: pint's RK4 and Kokkos Kernels' RK4 differ by %g (> 1e-12)\n",
                 difference);
    return 1;
  }
#else
  benchmark::AddCustomContext("kokkos_ode_rk4",
                              "not built: this Kokkos Kernels has no ODE component (4.x has)");
#endif
  if (runtime.rank() == 0) benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
