// The seed tutorial's run straight through the library (parareal::solve), as
// examples/tutorial.toml configures it for `pint run`: the damped oscillator
// (omega0 = 1, zeta = 0.5, y0 = (1, 0)), linspace(0, 15, 20), forward Euler fine
// (h = 0.01) and coarse (one step per slice), tolerance 1e-4. Prints the
// iterations, the convergence history and the boundary states U_0 .. U_N as
// JSON, every number as a C99 hex float (exact).
//
// Usage: pint_apps_tutorial_reference   (one rank)
#include "pint/core/ensemble.hpp"
#include "pint/core/runtime.hpp"
#include "pint/core/systems.hpp"
#include "pint/core/time_grid.hpp"
#include "pint/parareal/solver.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace {

std::string hex(double v) {
  char text[40];
  std::snprintf(text, sizeof(text), "\"%a\"", v);
  return text;
}

std::string list(const std::vector<double>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i)
    out += (i ? ", " : "") + hex(values[i]);
  return out + "]";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pint;
  core::Runtime runtime(argc, argv);
  core::EnsembleSpec spec;
  spec.params = {core::Distribution::constant(1.0), core::Distribution::constant(0.5)};
  spec.initial = {core::Distribution::constant(1.0), core::Distribution::constant(0.0)};
  const auto times = core::linspace(0.0, 15.0, 20);
  parareal::Options opt;
  opt.fine = {kernels::Method::euler, 0.01, 0};
  opt.coarse = {kernels::Method::euler, 0.0, 1};
  opt.tolerance = 1e-4;
  using Exec = Kokkos::DefaultExecutionSpace;
  parareal::Decomposition dec(MPI_COMM_SELF, 19, 1, 1, 1);
  const auto ensemble = core::make_ensemble<core::Oscillator, Exec::memory_space>(spec, 0, 1);
  const auto r = parareal::solve<core::Oscillator>(Exec(), dec, ensemble, times, opt);
  std::vector<double> boundaries = {1.0, 0.0};
  boundaries.insert(boundaries.end(), r.end_states.begin(), r.end_states.end());
  std::vector<double> history;
  for (const auto& w : r.windows)
    history.insert(history.end(), w.history.begin(), w.history.end());
  if (runtime.rank() == 0) {
    std::printf("{\"iterations\": %d, \"history\": %s, \"boundaries\": %s}\n", r.iterations,
                list(history).c_str(), list(boundaries).c_str());
  }
  return 0;
}
