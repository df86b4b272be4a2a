// Parareal against its performance model and against the sequential fine run.
//
//   mpiexec -n 2 build/default/benchmarks/pint_bench_parareal --members 1000000
//
// Runs the fine propagator alone on rank 0 (the sequential reference, all
// members), then parareal on all ranks, and prints the measured times beside the
// model's predictions computed from the run's own tau_F and tau_G, as a table and
// as one JSON object (--json FILE).
#include "pint/core/build_info.hpp"
#include "pint/core/ensemble.hpp"
#include "pint/core/runtime.hpp"
#include "pint/core/systems.hpp"
#include "pint/core/time_grid.hpp"
#include "pint/parareal/solver.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>

int main(int argc, char** argv) {
  using namespace pint;
  core::Runtime runtime(argc, argv);
  CLI::App app{"pint_bench_parareal: parareal vs its model and vs the sequential fine run"};
  std::int64_t members = 1000000, fine_steps = 2000, coarse_steps = 40;
  int slices = 0, max_iterations = 0;
  double t_end = 2.0, tolerance = 1e-6;
  std::string fine = "rk4", coarse = "rk4", json_file;
  app.add_option("--members", members, "Ensemble members")->check(CLI::PositiveNumber);
  app.add_option("--slices", slices, "Time slices (default: one per rank)");
  app.add_option("--t-end", t_end, "End time (start 0)")->check(CLI::PositiveNumber);
  app.add_option("--fine", fine, "Fine method");
  app.add_option("--fine-steps", fine_steps, "Fine steps per slice")->check(CLI::PositiveNumber);
  app.add_option("--coarse", coarse, "Coarse method");
  app.add_option("--coarse-steps", coarse_steps, "Coarse steps per slice")
      ->check(CLI::PositiveNumber);
  app.add_option("--tolerance", tolerance, "Absolute tolerance")->check(CLI::NonNegativeNumber);
  app.add_option("--max-iterations", max_iterations, "Iteration limit (0: slices)");
  app.add_option("--json", json_file, "Also write the results to this JSON file");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return runtime.rank() == 0 ? app.exit(e) : 2;
  }
  if (slices <= 0) slices = runtime.size();

  core::EnsembleSpec spec;
  spec.members = members;
  spec.seed = 11;
  spec.params = {core::Distribution::uniform(0.8, 1.2), core::Distribution::uniform(0.1, 0.6)};
  spec.initial = {core::Distribution::constant(1.0), core::Distribution::constant(0.0)};
  const auto times = core::linspace(0.0, t_end, slices + 1);
  parareal::Options opt;
  opt.fine = {kernels::parse_method(fine), 0.0, fine_steps};
  opt.coarse = {kernels::parse_method(coarse), 0.0, coarse_steps};
  opt.tolerance = tolerance;
  opt.max_iterations = max_iterations;
  using Exec = Kokkos::DefaultExecutionSpace;

  // Sequential reference: the fine propagator alone, all members, one rank.
  double sequential = 0;
  {
    MPI_Barrier(runtime.world());
    if (runtime.rank() == 0) {
      auto ens = core::make_ensemble<core::Oscillator, Exec::memory_space>(spec, 0, members);
      const double t0 = MPI_Wtime();
      parareal::solve_sequential<core::Oscillator>(Exec(), ens, times, opt.fine);
      sequential = MPI_Wtime() - t0;
    }
    MPI_Bcast(&sequential, 1, MPI_DOUBLE, 0, runtime.world());
  }

  parareal::Decomposition dec(runtime.world(), slices, members, 0, 1);
  auto ens = core::make_ensemble<core::Oscillator, Exec::memory_space>(spec, 0, members);
  MPI_Barrier(runtime.world());
  const double t0 = MPI_Wtime();
  const auto r = parareal::solve<core::Oscillator>(Exec(), dec, ens, times, opt);
  double measured = MPI_Wtime() - t0;
  MPI_Allreduce(MPI_IN_PLACE, &measured, 1, MPI_DOUBLE, MPI_MAX, runtime.world());

  {
    const auto& t = r.timings;
    double mine[6] = {t.fine,    t.coarse, t.communication,
                      t.waiting, t.total,  static_cast<double>(t.fine_solves)};
    std::vector<double> all(6 * static_cast<size_t>(runtime.size()));
    MPI_Gather(mine, 6, MPI_DOUBLE, all.data(), 6, MPI_DOUBLE, 0, runtime.world());
    if (runtime.rank() == 0) {
      std::printf("  rank  fine[s]  coarse[s]  comm[s]  wait[s]  total[s]  fine solves\n");
      for (int q = 0; q < runtime.size(); ++q) {
        const double* v = &all[6 * static_cast<size_t>(q)];
        std::printf("  %4d  %7.4f  %9.4f  %7.4f  %7.4f  %8.4f  %d\n", q, v[0], v[1], v[2], v[3],
                    v[4], static_cast<int>(v[5]));
      }
    }
  }
  if (runtime.rank() == 0) {
    const double ratio = measured / r.model.pipelined;
    const double speedup = sequential / measured;
    std::printf(
        "pint_bench_parareal: %d rank(s), %lld members, %d slices, fine %s x %lld, coarse %s x "
        "%lld\n",
        runtime.size(), static_cast<long long>(members), slices, fine.c_str(),
        static_cast<long long>(fine_steps), coarse.c_str(), static_cast<long long>(coarse_steps));
    std::printf("  iterations K            %d (converged: %s)\n", r.iterations,
                r.converged ? "yes" : "no");
    std::printf("  tau_F, tau_G            %.4f s, %.4f s (r = %.4f)\n", r.tau_f, r.tau_g,
                r.tau_g / r.tau_f);
    std::printf("  parareal measured       %.4f s\n", measured);
    std::printf("  model pipelined         %.4f s   measured / model = %.3f\n", r.model.pipelined,
                ratio);
    std::printf("  model synchronous       %.4f s\n", r.model.synchronous);
    std::printf("  sequential measured     %.4f s   (model N tau_F = %.4f s)\n", sequential,
                r.model.sequential);
    std::printf("  speedup measured        %.3f\n", speedup);
    std::printf("  speedup model           %.3f   (bound N/K = %.2f); measured / model = %.3f\n",
                r.model.speedup_pipelined, r.model.speedup_bound,
                speedup / r.model.speedup_pipelined);
    if (!json_file.empty()) {
      nlohmann::json j = {{"ranks", runtime.size()},
                          {"members", members},
                          {"slices", slices},
                          {"fine", fine},
                          {"fine_steps", fine_steps},
                          {"coarse", coarse},
                          {"coarse_steps", coarse_steps},
                          {"iterations", r.iterations},
                          {"tau_f", r.tau_f},
                          {"tau_g", r.tau_g},
                          {"parareal_seconds", measured},
                          {"model_pipelined_seconds", r.model.pipelined},
                          {"model_synchronous_seconds", r.model.synchronous},
                          {"sequential_seconds", sequential},
                          {"speedup", speedup},
                          {"model_speedup", r.model.speedup_pipelined},
                          {"git", core::build_info().git_revision},
                          {"kokkos", core::build_info().kokkos_version},
                          {"backends", core::build_info().backends}};
      std::ofstream(json_file) << j.dump(2) << "\n";
    }
  }
  return 0;
}
