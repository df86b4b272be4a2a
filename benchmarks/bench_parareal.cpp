// Parareal against its performance model and against the sequential fine run.
//
//   mpiexec -n 2 build/default/benchmarks/pint_bench_parareal --members 1000000
//
// Runs the fine propagator alone on rank 0 (the sequential reference, all
// members), then parareal on all ranks, and prints the measured times beside the
// model's predictions computed from the run's own tau_F and tau_G, as a table and
// as one JSON object (--json FILE). The scaling driver (scripts/scaling_study.py)
// runs it with:
//
//   --p-members B       B member blocks, P_time = ranks / B (B = ranks: member-parallel)
//   --skip-sequential   parareal only (the driver measures the reference once)
//   --sequential-only   the reference only (on rank 0)
//   --repeat R          R timed runs of each; the median is reported, all are kept
//
// and --progress-spans S (default 16; 1: messages progress only between fine
// solves) measures what testing pending messages between spans of the fine
// solves buys; --placement block|cyclic|block-cyclic:B|auto deals the slices.
#include "pint/core/build_info.hpp"
#include "pint/core/ensemble.hpp"
#include "pint/core/runtime.hpp"
#include "pint/core/systems.hpp"
#include "pint/core/time_grid.hpp"
#include "pint/parareal/solver.hpp"

#include "mpi_bench.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <vector>

namespace {

// One rank's timings of the last parareal run, gathered on rank 0.
constexpr int kRankFields = 9;
std::vector<double> gather_rank_timings(const pint::parareal::Result& r,
                                        const pint::parareal::Decomposition& dec, MPI_Comm world,
                                        int ranks) {
  const auto& t = r.timings;
  const double mine[kRankFields] = {static_cast<double>(dec.time_rank()),
                                    static_cast<double>(dec.member_block()),
                                    t.fine,
                                    t.coarse,
                                    t.communication,
                                    t.waiting,
                                    t.total,
                                    static_cast<double>(t.fine_solves),
                                    static_cast<double>(t.fine_cancelled)};
  std::vector<double> all(kRankFields * static_cast<size_t>(ranks));
  MPI_Gather(mine, kRankFields, MPI_DOUBLE, all.data(), kRankFields, MPI_DOUBLE, 0, world);
  return all;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pint;
  core::Runtime runtime(argc, argv);
  CLI::App app{"pint_bench_parareal: parareal vs its model and vs the sequential fine run"};
  std::int64_t members = 1000000, fine_steps = 2000, coarse_steps = 40;
  int slices = 0, max_iterations = 0, p_members = 1, repeat = 1, progress_spans = 16;
  double t_end = 2.0, tolerance = 1e-6;
  bool skip_sequential = false, sequential_only = false;
  std::string fine = "rk4", coarse = "rk4", json_file, placement = "block";
  app.add_option("--members", members, "Ensemble members")->check(CLI::PositiveNumber);
  app.add_option("--slices", slices, "Time slices (default: one per time rank)");
  app.add_option("--t-end", t_end, "End time (start 0)")->check(CLI::PositiveNumber);
  app.add_option("--fine", fine, "Fine method");
  app.add_option("--fine-steps", fine_steps, "Fine steps per slice")->check(CLI::PositiveNumber);
  app.add_option("--coarse", coarse, "Coarse method");
  app.add_option("--coarse-steps", coarse_steps, "Coarse steps per slice")
      ->check(CLI::PositiveNumber);
  app.add_option("--tolerance", tolerance, "Absolute tolerance")->check(CLI::NonNegativeNumber);
  app.add_option("--max-iterations", max_iterations, "Iteration limit (0: slices)");
  app.add_option("--p-members", p_members, "Member blocks (P_time = ranks / P_members)")
      ->check(CLI::PositiveNumber);
  app.add_option("--progress-spans", progress_spans,
                 "Spans of a fine solve between which messages progress (1: none)")
      ->check(CLI::PositiveNumber);
  app.add_option("--repeat", repeat, "Timed runs of each measurement (the median is reported)")
      ->check(CLI::PositiveNumber);
  auto* skip = app.add_flag("--skip-sequential", skip_sequential,
                            "Do not run the sequential fine reference");
  app.add_flag("--sequential-only", sequential_only, "Run only the sequential fine reference")
      ->excludes(skip);
  app.add_option("--placement", placement,
                 "Slices over time ranks: block, cyclic, block-cyclic:B or auto");
  app.add_option("--json", json_file, "Also write the results to this JSON file");
  if (const auto rc = bench::parse_command_line(app, argc, argv, runtime.rank())) return *rc;
  const bool root = runtime.rank() == 0;
  if (runtime.size() % p_members != 0) {
    if (root) {
      std::fprintf(stderr, "--p-members: %d does not divide the %d ranks\n", p_members,
                   runtime.size());
    }
    return 2;
  }
  const int p_time = runtime.size() / p_members;
  if (slices <= 0) slices = p_time;

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
  opt.progress_spans = progress_spans;
  try {
    opt.placement = parareal::parse_placement(placement);
  } catch (const std::invalid_argument& e) {
    if (root) std::fprintf(stderr, "--placement: %s\n", e.what());
    return 2;
  }
  using Exec = Kokkos::DefaultExecutionSpace;

  nlohmann::json j = {{"ranks", runtime.size()},
                      {"p_time", p_time},
                      {"p_members", p_members},
                      {"members", members},
                      {"slices", slices},
                      {"t_end", t_end},
                      {"fine", fine},
                      {"fine_steps", fine_steps},
                      {"coarse", coarse},
                      {"coarse_steps", coarse_steps},
                      {"tolerance", tolerance},
                      {"repeat", repeat},
                      {"progress_spans", progress_spans},
                      {"placement", placement},
                      {"git", core::build_info().git_revision},
                      {"kokkos", core::build_info().kokkos_version},
                      {"backends", core::build_info().backends},
                      {"execution_space", Exec::name()},
                      {"threads_per_rank", Exec().concurrency()}};
  auto write_json = [&] {
    if (root && !json_file.empty()) std::ofstream(json_file) << j.dump(2) << "\n";
  };

  // Sequential reference: the fine propagator alone, all members, one rank.
  double sequential = 0;
  if (!skip_sequential) {
    std::vector<double> runs;
    if (root) {
      auto ens = core::make_ensemble<core::Oscillator, Exec::memory_space>(spec, 0, members);
      for (int i = 0; i < repeat; ++i) {
        const double t0 = MPI_Wtime();
        parareal::solve_sequential<core::Oscillator>(Exec(), ens, times, opt.fine);
        runs.push_back(MPI_Wtime() - t0);
      }
      sequential = bench::median(runs);
      j["sequential_seconds"] = sequential;
      j["sequential_seconds_all"] = runs;
      std::printf("pint_bench_parareal: sequential fine run, %lld members, %d slices, %s x %lld\n",
                  static_cast<long long>(members), slices, fine.c_str(),
                  static_cast<long long>(fine_steps));
      std::printf("  sequential measured     %.4f s (median of %d)\n", sequential, repeat);
    }
    MPI_Bcast(&sequential, 1, MPI_DOUBLE, 0, runtime.world());
  }
  if (sequential_only) {
    write_json();
    return 0;
  }

  parareal::Decomposition dec(runtime.world(), slices, members, p_time, p_members);
  const auto [mbegin, mend] = dec.member_range();
  auto ens = core::make_ensemble<core::Oscillator, Exec::memory_space>(spec, mbegin, mend);
  opt.messages = parareal::measure_messages(dec, (mend - mbegin) * core::Oscillator::dim);
  // Every repeat's time, tau_F, tau_G and per-rank timings are kept; the report
  // (tau, model, per-rank table) is the median run's (the lower of the middle two
  // for an even count), next to the median time.
  std::vector<double> runs, tau_f_all, tau_g_all;
  std::vector<parareal::Result> results;
  std::vector<std::vector<double>> per_rank_all;
  for (int i = 0; i < repeat; ++i) {
    MPI_Barrier(runtime.world());
    const double t0 = MPI_Wtime();
    auto result = parareal::solve<core::Oscillator>(Exec(), dec, ens, times, opt);
    double t = MPI_Wtime() - t0;
    MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_DOUBLE, MPI_MAX, runtime.world());
    runs.push_back(t);
    tau_f_all.push_back(result.tau_f);
    tau_g_all.push_back(result.tau_g);
    per_rank_all.push_back(gather_rank_timings(result, dec, runtime.world(), runtime.size()));
    result.end_states = {};  // the states are not needed here; keep the summary only
    results.push_back(std::move(result));
  }
  const double measured = bench::median(runs);
  std::vector<size_t> order(runs.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return runs[a] < runs[b]; });
  const size_t mid = order[(order.size() - 1) / 2];
  const parareal::Result& r = results[mid];
  const auto& per_rank = per_rank_all[mid];
  if (!root) return 0;

  std::printf("  rank  time  block  fine[s]  coarse[s]  comm[s]  wait[s]  total[s]  fine solves\n");
  nlohmann::json ranks = nlohmann::json::array();
  for (int q = 0; q < runtime.size(); ++q) {
    const double* v = &per_rank[kRankFields * static_cast<size_t>(q)];
    std::printf("  %4d  %4d  %5d  %7.4f  %9.4f  %7.4f  %7.4f  %8.4f  %d\n", q,
                static_cast<int>(v[0]), static_cast<int>(v[1]), v[2], v[3], v[4], v[5], v[6],
                static_cast<int>(v[7]));
    ranks.push_back({{"rank", q},
                     {"time_rank", static_cast<int>(v[0])},
                     {"member_block", static_cast<int>(v[1])},
                     {"fine", v[2]},
                     {"coarse", v[3]},
                     {"communication", v[4]},
                     {"waiting", v[5]},
                     {"total", v[6]},
                     {"fine_solves", static_cast<int>(v[7])},
                     {"fine_cancelled", static_cast<int>(v[8])}});
  }
  // The model is per member block (its tau_F, tau_G are for the block's members);
  // the member blocks run side by side, so over the sequential run of all members
  // its speedup is P_members times the block's.
  const double model_speedup =
      r.model.predicted > 0 ? p_members * r.model.sequential / r.model.predicted : 0.0;
  std::printf(
      "pint_bench_parareal: %d rank(s) (%s), %lld members, fine %s x %lld, coarse %s x %lld\n",
      runtime.size(), dec.describe().c_str(), static_cast<long long>(members), fine.c_str(),
      static_cast<long long>(fine_steps), coarse.c_str(), static_cast<long long>(coarse_steps));
  std::printf("  placement               %s (%d boundary messages)\n",
              parareal::placement_name(r.placement).c_str(), r.model.boundary_messages);
  std::printf("  iterations K            %d (converged: %s)\n", r.iterations,
              r.converged ? "yes" : "no");
  std::printf("  tau_F, tau_G            %.4f s, %.4f s (r = %.4f)\n", r.tau_f, r.tau_g,
              r.tau_g / r.tau_f);
  std::printf("  parareal measured       %.4f s (median of %d)\n", measured, repeat);
  std::printf("  model                   %.4f s   measured / model = %.3f\n", r.model.predicted,
              measured / r.model.predicted);
  std::printf("    the schedule          %.4f s\n", r.model.schedule);
  std::printf("    making the states     %.4f s (measured)\n", r.model.setup);
  std::printf("    of it messages        %.4f s (one boundary message %.2e s, a decision %.2e s)\n",
              r.model.messages, r.messages.boundary, r.messages.decision);
  std::printf("    of it between phases  %.4f s (bookkeeping between solves, measured per rank)\n",
              r.model.other);
  std::printf("  model pipelined form    %.4f s   measured / model = %.3f\n", r.model.pipelined,
              measured / r.model.pipelined);
  std::printf("  model synchronous       %.4f s\n", r.model.synchronous);
  std::printf("  speedup model           %.3f   (bound P_members N/K = %.2f)\n", model_speedup,
              p_members * r.model.speedup_bound);
  if (!skip_sequential) {
    const double speedup = sequential / measured;
    std::printf("  speedup measured        %.3f   measured / model = %.3f\n", speedup,
                speedup / model_speedup);
    j["speedup"] = speedup;
  }
  j["iterations"] = r.iterations;
  j["converged"] = r.converged;
  j["history"] = r.windows.empty() ? std::vector<double>{} : r.windows.front().history;
  j["tau_f"] = r.tau_f;
  j["tau_g"] = r.tau_g;
  j["tau_f_ranks"] = r.tau_f_ranks;
  j["tau_g_ranks"] = r.tau_g_ranks;
  j["sink_ranks"] = r.sink_ranks;
  j["sink_final_ranks"] = r.sink_final_ranks;
  j["other_ranks"] = r.other_ranks;
  j["parareal_seconds"] = measured;
  j["parareal_seconds_all"] = runs;
  j["tau_f_all"] = tau_f_all;
  j["tau_g_all"] = tau_g_all;
  j["reported_run"] = mid;
  j["model_pipelined_seconds"] = r.model.pipelined;
  j["model_schedule_seconds"] = r.model.schedule;
  j["placement_used"] = parareal::placement_name(r.placement);
  j["boundary_messages"] = r.model.boundary_messages;
  j["model_messages_seconds"] = r.model.messages;
  j["boundary_message_seconds"] = r.messages.boundary;
  j["decision_seconds"] = r.messages.decision;
  j["model_setup_seconds"] = r.model.setup;
  j["model_other_seconds"] = r.model.other;
  j["model_seconds"] = r.model.predicted;
  j["measured_over_model"] = measured / r.model.predicted;
  j["model_synchronous_seconds"] = r.model.synchronous;
  j["model_speedup"] = model_speedup;
  j["boundary_message_bytes"] = 8 * core::Oscillator::dim * (mend - mbegin);
  j["rank_timings"] = ranks;
  write_json();
  return 0;
}
