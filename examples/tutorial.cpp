// The seed tutorial's run through the pint library: the damped oscillator
// (omega0 = 1, zeta = 0.5, y0 = (1, 0)), time points linspace(0, 15, 20), forward
// Euler fine (h = 0.01) and coarse (one step per slice), tolerance 1e-4.
//
//   mpiexec -n 2 build/default/examples/pint_tutorial [--json]
//
// --json prints only the result, as one JSON object: the iterations, the
// convergence history and the boundary states U_0 .. U_N, every number as a C99
// hex float (exact; the tests compare `pint run --config examples/tutorial.toml`
// with it).
#include "pint/core/ensemble.hpp"
#include "pint/core/exact.hpp"
#include "pint/core/runtime.hpp"
#include "pint/core/systems.hpp"
#include "pint/core/time_grid.hpp"
#include "pint/parareal/results.hpp"
#include "pint/parareal/solver.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

std::string hex_list(const std::vector<double>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    char text[40];
    std::snprintf(text, sizeof(text), "%s\"%a\"", i ? ", " : "", values[i]);
    out += text;
  }
  return out + "]";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pint;
  core::Runtime runtime(argc, argv);
  const bool json = argc > 1 && std::strcmp(argv[1], "--json") == 0;
  {
    core::EnsembleSpec spec;
    spec.params = {core::Distribution::constant(1.0), core::Distribution::constant(0.5)};
    spec.initial = {core::Distribution::constant(1.0), core::Distribution::constant(0.0)};
    const auto times = core::linspace(0.0, 15.0, 20);
    parareal::Options opt;
    opt.fine = {kernels::Method::euler, 0.01, 0};
    opt.coarse = {kernels::Method::euler, 0.0, 1};
    opt.tolerance = 1e-4;
    opt.progress = [&](const parareal::Progress& p) {
      if (runtime.rank() == 0 && !json) {
        std::printf("iteration %2d: max change %.3e, %2d/%d slices final, %.3f s\n", p.iteration,
                    p.max_change, p.slices_final, p.window_slices, p.elapsed);
      }
    };
    using Mem = Kokkos::DefaultExecutionSpace::memory_space;
    parareal::Decomposition dec(runtime.world(), 19, 1, 0, 1);
    auto ens = core::make_ensemble<core::Oscillator, Mem>(spec, 0, 1);
    const auto r =
        parareal::solve<core::Oscillator>(Kokkos::DefaultExecutionSpace(), dec, ens, times, opt);
    // U_0 .. U_N of the one member, gathered on rank 0 (empty elsewhere).
    const auto u = parareal::gather_boundaries(dec, r, ens);
    if (json) {
      if (runtime.rank() == 0) {
        std::printf("{\"iterations\": %d, \"history\": %s, \"boundaries\": %s}\n", r.iterations,
                    hex_list(r.windows.front().history).c_str(), hex_list(u.data).c_str());
      }
      return 0;
    }
    if (runtime.rank() != 0) return 0;
    const auto fine = parareal::solve_sequential<core::Oscillator>(Kokkos::DefaultExecutionSpace(),
                                                                   ens, times, opt.fine);
    // Largest difference to the sequential fine run and to the exact solution.
    double err[2] = {0, 0};
    for (int n = 1; n <= u.slices; ++n) {
      const auto exact = core::oscillator_exact(1.0, 0.5, 1.0, 0.0, times[n]);
      for (int c = 0; c < 2; ++c) {
        err[0] = std::max(err[0], std::fabs(u(n, 0, c) - fine[2 * (n - 1) + c]));
        err[1] = std::max(err[1], std::fabs(u(n, 0, c) - exact[c]));
      }
    }
    std::printf("converged after %d iterations on %d rank(s) (%s)\n", r.iterations, runtime.size(),
                dec.describe().c_str());
    std::printf("max |parareal - sequential fine| = %.3e, max |parareal - exact| = %.3e\n", err[0],
                err[1]);
    std::printf(
        "time %.4f s; model: sequential %.4f s, pipelined %.4f s (tau_F %.2e s, tau_G %.2e s)\n",
        r.timings.total, r.model.sequential, r.model.pipelined, r.tau_f, r.tau_g);
  }
  return 0;
}
