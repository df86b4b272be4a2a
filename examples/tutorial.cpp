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
#include "pint/parareal/solver.hpp"

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

// Every slice's end state on rank 0, in slice order (each rank owns some slices).
std::vector<double> gather_end_states(const pint::parareal::Result& r, int slices, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  std::vector<double> mine;  // slice index, then its state
  for (size_t i = 0; i < r.owned_slices.size(); ++i) {
    mine.push_back(r.owned_slices[i]);
    mine.insert(mine.end(), r.end_states.begin() + 2 * i, r.end_states.begin() + 2 * i + 2);
  }
  const int count = static_cast<int>(mine.size());
  std::vector<int> counts(size), displs(size);
  MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm);
  for (int q = 1; q < size; ++q)
    displs[q] = displs[q - 1] + counts[q - 1];
  std::vector<double> all(rank == 0 ? 3 * static_cast<size_t>(slices) : 0);
  MPI_Gatherv(mine.data(), count, MPI_DOUBLE, all.data(), counts.data(), displs.data(), MPI_DOUBLE,
              0, comm);
  std::vector<double> states(all.size() * 2 / 3);
  for (size_t i = 0; i < all.size(); i += 3) {
    const auto n = static_cast<size_t>(all[i]);
    states[2 * n] = all[i + 1];
    states[2 * n + 1] = all[i + 2];
  }
  return states;
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
    if (json) {
      std::vector<double> boundaries = gather_end_states(r, 19, runtime.world());
      boundaries.insert(boundaries.begin(), {1.0, 0.0});  // U_0 = y0
      if (runtime.rank() == 0) {
        std::printf("{\"iterations\": %d, \"history\": %s, \"boundaries\": %s}\n", r.iterations,
                    hex_list(r.windows.front().history).c_str(), hex_list(boundaries).c_str());
      }
      return 0;
    }
    const auto fine = parareal::solve_sequential<core::Oscillator>(Kokkos::DefaultExecutionSpace(),
                                                                   ens, times, opt.fine);
    // Largest difference to the sequential fine run and to the exact solution, over all ranks.
    double err[2] = {0, 0};
    for (size_t i = 0; i < r.owned_slices.size(); ++i) {
      const int n = r.owned_slices[i];
      const auto exact = core::oscillator_exact(1.0, 0.5, 1.0, 0.0, times[n + 1]);
      for (int c = 0; c < 2; ++c) {
        err[0] = std::max(err[0], std::fabs(r.end_states[2 * i + c] - fine[2 * n + c]));
        err[1] = std::max(err[1], std::fabs(r.end_states[2 * i + c] - exact[c]));
      }
    }
    MPI_Allreduce(MPI_IN_PLACE, err, 2, MPI_DOUBLE, MPI_MAX, runtime.world());
    if (runtime.rank() == 0) {
      std::printf("converged after %d iterations on %d rank(s) (%s)\n", r.iterations,
                  runtime.size(), dec.describe().c_str());
      std::printf("max |parareal - sequential fine| = %.3e, max |parareal - exact| = %.3e\n",
                  err[0], err[1]);
      std::printf(
          "time %.4f s; model: sequential %.4f s, pipelined %.4f s (tau_F %.2e s, "
          "tau_G %.2e s)\n",
          r.timings.total, r.model.sequential, r.model.pipelined, r.tau_f, r.tau_g);
    }
  }
  return 0;
}
