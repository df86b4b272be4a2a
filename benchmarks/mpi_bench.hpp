// Helpers shared by the MPI benchmark programs (pint_bench_parareal,
// pint_bench_pingpong): command-line parsing on every rank, medians.
#pragma once

#include <CLI/CLI.hpp>

#include <algorithm>
#include <optional>
#include <vector>

namespace pint::bench {

// Parses the command line on every rank. On --help or an error, rank 0 prints
// and every rank gets the exit code to return; std::nullopt means "go on".
inline std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv, int rank) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return rank == 0 ? app.exit(e) : (e.get_exit_code() == 0 ? 0 : 2);
  }
  return std::nullopt;
}

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

}  // namespace pint::bench
