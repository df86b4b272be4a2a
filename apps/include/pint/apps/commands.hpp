// The subcommands of pint: each checks its input (UsageError), then works.
#pragma once

#include "pint/core/runtime.hpp"
#include "settings.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace pint::apps {

// `pint run`: the configuration from --config and the flags, checked on every
// rank, the output directory checked on rank 0, all before anything is
// created; then the run.
int run_command(core::Runtime& rt, const RunFlags& flags, const std::string& command_line);

// `pint combine DIR`: trajectory.h5 materialised into one file (rank 0 works).
struct CombineFlags {
  std::string directory, output, compression = "0";
  bool overwrite = false;
};
void add_combine_options(CLI::App& combine, CombineFlags& flags);
int combine_command(core::Runtime& rt, const CombineFlags& flags);

// `pint info [--json]`.
int info_command(core::Runtime& rt, bool json);

}  // namespace pint::apps
