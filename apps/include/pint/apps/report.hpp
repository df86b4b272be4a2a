// What `pint run` tells: progress lines, the summary, run.json, the plots.
#pragma once

#include "config.hpp"
#include "pint/io/read_back.hpp"
#include "pint/io/run_file.hpp"
#include "pint/parareal/solver.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace pint::apps {

// The result of a run (parareal or sequential), as the reports need it.
struct Outcome {
  std::string mode;  // "parareal" or "sequential"
  int iterations = 0;
  bool converged = true, diverged = false;
  std::vector<parareal::WindowResult> windows;
  std::vector<double> history;   // every window's largest changes, in order
  parareal::Timings timings;     // this rank's
  double setup = 0, output = 0;  // seconds: ensemble and sink set-up; files after the solve
  double tau_f = 0, tau_g = 0;
  // Each time rank's means (parareal): fine kernel, coarse, sink per fine solve.
  std::vector<double> tau_f_ranks, tau_g_ranks, sink_ranks, sink_final_ranks, other_ranks;
  parareal::ModelPrediction model;
  parareal::MessageCosts messages;  // a boundary message and a decision (parareal)
  parareal::Advice advice;          // the model's alternatives on the same ranks (parareal)
  std::string layout;               // the rank decomposition, in words
  std::string placement = "block";  // of the slices over the time ranks (parareal), as used
  // --placement auto: each candidate's modelled time for the costs probed before the run.
  std::vector<std::pair<std::string, double>> placement_model;
  int p_time = 1, p_members = 1;
  std::vector<int> slice_iterations;  // rank 0: the iteration of every slice's final file
  // Rank 0: fine solves read back from stored files over all ranks (resuming).
  // The model knows no read-back solves: with any, no measured / model is given.
  int read_back = 0;
  // Every rank, after the solve: writes the trajectories the run held in memory
  // to their files (each slice's final one), and the seconds its file writer
  // worked (set by the run; empty when nothing is written).
  std::function<void()> finish_output;
  std::function<double()> writer_seconds;
  std::function<int()> files_committed;
  // The per-slice files this rank's sink wrote (for trajectory.h5, which then
  // need not open them again).
  std::function<std::vector<io::SolveFile>()> written_files;
  double writer = 0;      // seconds, filled in once the files are written
  int files_written = 0;  // per-slice files this rank completed (shared ones: each rank counts)
  std::string held_note;  // how the trajectories were kept (for the summary)
  // Where a node has more threads than cores (core::oversubscribed): the model
  // gives each rank cores of its own, so such a run is slower than it.
  std::string oversubscribed;
  io::RunRecord record;  // this rank's rows of run.h5
};

// Before the run: the bytes it will write, per slice and in total.
std::string output_size_line(const RunConfig& cfg);

// One progress line: iteration, largest change, slices final, elapsed, remaining.
std::string progress_line(const parareal::Progress& p, int windows);

// Every rank's seconds per phase (the first phase_count entries: run.h5's
// timings) and solve counts (run.json has all of them).
// "output": seconds in the trajectory sink during the solve (part of "solve",
// not of "fine") and writing the files after it; "writer": seconds the file
// writer (its own thread) spent on files, overlapping the others.
inline constexpr size_t phase_count = 8;
std::vector<std::string> timing_names();
std::vector<double> timing_values(const Outcome& outcome);

// Rank 0: draws trajectory.png and convergence.png with examples/plot.py
// (Debian's /usr/bin/python3, or $PINT_PYTHON; the script from the source tree,
// else the installed one, or $PINT_PLOT_SCRIPT). Never fails the run: `note`
// says what happened.
struct Plots {
  std::vector<std::string> files;
  std::string note;
};
Plots make_plots(const RunConfig& cfg);

// run.json (rank 0): `timings` holds every rank's timing_values(), `info` is
// info_json() (build and rank map).
nlohmann::json run_json(const RunConfig& cfg, const Outcome& outcome, const nlohmann::json& info,
                        const std::vector<std::vector<double>>& timings, const Plots& plots,
                        const std::string& command_line);

// Rank 0: the closing lines (result, model, files).
void print_summary(const RunConfig& cfg, const Outcome& outcome, const Plots& plots,
                   double measured);

}  // namespace pint::apps
