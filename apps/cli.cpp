// The pint command line: `pint run`, `pint combine`, `pint info`.
#include "cli.hpp"

#include "commands.hpp"
#include "failure.hpp"
#include "pint/core/runtime.hpp"
#include "settings.hpp"
#include "usage_error.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace {

using pint::apps::UsageError;

const char* run_footer =
    R"(Values: a parameter or initial component is a number, linspace:FIRST:LAST
(evenly over the members) or random:LO:HI (uniform draws from --seed).
--config FILE: a TOML file whose keys are the option names without "--"
(fine-h = 0.01), with tables [param] and [initial] (zeta = "linspace:0.1:0.9");
options given on the command line win, a step size or count given there
replaces both of the file's.
Ranks: P = P_time x P_members; each of the P_members member blocks runs
parareal over its own P_time time ranks.
--resume reads back fine results of the interrupted run from their complete
files, bit for bit; a fine solve whose file lacks members it needs (a
--save-members subset) is computed again. The configuration must be the same.
Output: per-slice fine-{k}-{t0}-{t1}.h5, trajectory.h5, run.h5, run.json,
pint-config.json, trajectory.png and convergence.png. One run at a time per
output directory: another is refused while a run holds the lock file
.pint.lock; a killed run's lock is taken over.
Invalid input: one line on stderr, exit code 2, nothing written.
An error while running (a full disk): one line on stderr naming the file and
the cause (--verbose: HDF5's error stack too), exit code 1, complete files
kept; --resume continues.)";

// A CLI11 error as a UsageError naming the option.
UsageError usage_error(const CLI::ParseError& e, const std::string& command) {
  std::string what = e.what();
  const std::string see = "; see '" + command + " --help'";
  const std::string extra = "The following argument was not expected: ";
  const std::string extras = "The following arguments were not expected: ";
  for (const auto& prefix : {extra, extras}) {
    if (what.rfind(prefix, 0) == 0) {
      return UsageError(what.substr(prefix.size()),
                        "not an option or argument of " + command + see);
    }
  }
  const auto colon = what.find(": ");
  if (what.rfind("-", 0) == 0 && colon != std::string::npos) {
    return UsageError(what.substr(0, colon), what.substr(colon + 2) + see);
  }
  return UsageError(command, what + see);
}

std::string join(int argc, char** argv) {
  std::string line = "pint";
  for (int i = 1; i < argc; ++i)
    line += std::string(" ") + argv[i];
  return line;
}

int dispatch(pint::core::Runtime& runtime, int argc, char** argv) {
  CLI::App app{"pint: parallel-in-time integration of ODE ensembles (parareal, Kokkos, MPI, HDF5)",
               "pint"};
  app.require_subcommand(1);
  app.footer("Run 'pint COMMAND --help' for the options of a command.");

  auto* run = app.add_subcommand(
      "run", "Integrate an ensemble with parareal (or --sequential): HDF5 files, run.json, plots");
  pint::apps::RunFlags run_flags;
  pint::apps::add_run_options(*run, run_flags);
  run->footer(run_footer);

  auto* combine =
      app.add_subcommand("combine", "Materialise a run's trajectory.h5 into one plain HDF5 file");
  pint::apps::CombineFlags combine_flags;
  pint::apps::add_combine_options(*combine, combine_flags);

  bool json = false;
  auto* info = app.add_subcommand("info", "Build, Kokkos backends, devices, MPI, HDF5, rank map");
  info->add_flag("--json", json, "Print the information as one JSON object");

  const std::string commands = "run, combine or info; see 'pint --help'";
  if (argc < 2) throw UsageError("pint", "give a command: " + commands);
  const std::string first = argv[1];
  if (first.empty() ||
      (first[0] != '-' && first != "run" && first != "combine" && first != "info")) {
    throw UsageError(first, "unknown command; accepted: " + commands);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help
    if (runtime.rank() == 0) app.exit(e);
    return 0;
  } catch (const CLI::ParseError& e) {
    std::string command = "pint";
    for (const auto* sub : {run, combine, info})
      if (sub->parsed()) command += " " + sub->get_name();
    throw usage_error(e, command);
  }
  pint::apps::install_failure_handler(run->parsed() && run_flags.verbose);
  if (run->parsed()) return pint::apps::run_command(runtime, run_flags, join(argc, argv));
  if (combine->parsed()) return pint::apps::combine_command(runtime, combine_flags);
  return pint::apps::info_command(runtime, json);
}

}  // namespace

namespace pint::apps {

int cli_main(int argc, char** argv, std::vector<SystemInfo> added_systems) {
  try {
    add_systems(std::move(added_systems));
  } catch (const std::invalid_argument& e) {  // the program's mistake, not the user's
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  core::Runtime runtime(argc, argv);
  try {
    return dispatch(runtime, argc, argv);
  } catch (const UsageError& e) {  // the same on every rank
    if (runtime.rank() == 0) std::fprintf(stderr, "%s\n", e.line().c_str());
    return usage_exit_code;
  }
}

}  // namespace pint::apps
