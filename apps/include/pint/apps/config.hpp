// The configuration of `pint run`, converted and checked: every value that
// reaches the run has passed here.
#pragma once

#include "pint/core/ensemble.hpp"
#include "pint/parareal/model.hpp"
#include "settings.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace pint::apps {

// What this invocation does with the output directory and the terminal (not
// part of the configuration a resumed run must match).
struct Invocation {
  bool overwrite = false, resume = false, quiet = false, plots = true;
  std::string config_file;  // "" when none
  int ranks = 1;
  // The memory of the smallest node of the job, in bytes (0: unknown, not
  // checked): an ensemble no rank could hold is refused before anything is
  // allocated.
  std::int64_t node_memory = 0;
};

struct NamedValue {
  std::string name;
  core::Distribution value;
  std::string text;  // as the user writes it: "0.5", "linspace:0.1:0.9", "random:0.1:0.9"
};

struct PropagatorConfig {
  std::string method;
  double h = 0;            // > 0: steps of at most h ...
  std::int64_t steps = 0;  // ... or this many steps per slice
};

struct RunConfig {
  std::string system;
  std::int64_t members = 1;
  std::uint64_t seed = 0;
  std::vector<NamedValue> params, initial;  // in the system's order
  double t0 = 0, t1 = 0;
  int slices = 1;
  PropagatorConfig fine, coarse;
  double tolerance = 0;
  bool relative = false;
  int max_iterations = 0, window = 0;
  int p_time = 1;                 // resolved: the number of ranks unless given
  parareal::Placement placement;  // as given (automatic: resolved by the solver)
  std::string output;
  std::int64_t save_every = 1;
  std::string save_members;  // as given
  std::vector<std::int64_t> saved_members;
  int compression = 0;
  bool keep_iterations = false, sequential = false;
  // After convergence, a final fine sweep from U^K into the per-slice files
  // (--final-sweep): trajectories start at run.h5's boundaries.
  bool final_sweep = false;
  int dim = 1;  // the system's components per member
  // Output size: --save-every or --save-members given (on the command line or
  // in the file), and --large-output: the run may write more than the limit.
  bool output_chosen = false, large_output = false;
  // Bytes of trajectories a rank may hold in memory until their slices are
  // final (--memory-budget; 0: none, every solve streams to its file); -1: not
  // given: a quarter of the node's memory shared by its ranks; memory_none
  // (--memory-budget none): nothing held, each slice's final solve is solved
  // again from its kept input after convergence (the same bits) and written then.
  static constexpr std::int64_t memory_none = -2;
  std::int64_t memory_budget = -1;
  Invocation invocation;

  core::EnsembleSpec ensemble() const;
  std::vector<double> times() const;  // T_0 .. T_N
  int p_members() const { return invocation.ranks / p_time; }
};

// The bytes a run writes, known before it starts: each slice's final file
// (saved steps x saved members x dim doubles, and the times and member
// indices), and run.h5's boundary states. Headers and attributes (a few KiB a
// file) are left out. With --keep-iterations every iteration's files stay, up
// to `iterations` times the slices' bytes.
struct OutputSize {
  std::int64_t slice_min = 0, slice_max = 0;  // one slice's file
  std::int64_t slices = 0;                    // every slice's final file
  std::int64_t run_file = 0;                  // run.h5's boundary states
  std::int64_t total = 0;                     // slices + run_file
  int files = 0;                              // per-slice files (0 with --save-members none)
};
OutputSize output_size(const RunConfig& config);

// Whether a run that was not given --memory-budget holds its fine solves in
// memory (else it solves each slice's final solve again after convergence, as
// with --memory-budget none). Holding writes every non-final solve's saved
// rows into memory of their own (two buffers a slice, first touched there:
// about 2 ns a byte measured on a 2-core VM, page faults included); solving
// again recomputes members x dim x steps x stages values for the slices not
// exact at convergence (about 0.2 ns each, Euler on one core). So: hold when
// a fine solve computes more than ten values for each byte it saves.
bool hold_by_default(const RunConfig& config);

// "2.39 GB" (decimal units), "512 B".
std::string bytes_text(double bytes);

// "1G", "512M", "64k" or plain bytes (binary multiples): the bytes, or -1.
std::int64_t parse_bytes(const std::string& text);

// Converts and checks every value (defaults for those not given) for a run on
// invocation.ranks ranks. Throws UsageError naming the first bad setting. Pure:
// every rank gets the same answer from the same input.
RunConfig resolve(const RawConfig& raw, const Invocation& invocation);

// The settings that decide the results and the files; a resumed run must
// match them exactly.
nlohmann::json problem_json(const RunConfig& config);

}  // namespace pint::apps
