// The output directory of `pint run`: what pint writes there, the checks made
// before anything is created, and its preparation once every check passed.
#pragma once

#include "config.hpp"
#include "usage_error.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace pint::apps {

// The configuration of the run a directory holds, written first, atomically.
inline constexpr const char* config_file_name = "pint-config.json";

// Whether `name` (a file name, no directory) is one pint writes into an output
// directory: its per-solve files, trajectory.h5, trajectory-combined.h5,
// run.h5, run.json, pint-config.json, the plots, and their temporaries.
bool is_pint_file(const std::string& name);

// Rank 0, before anything is created or changed: is cfg.output usable by this
// invocation (not locked by a running pint run, output_lock.hpp)? On
// --resume, the stored configuration must equal `problem`.
std::optional<UsageError> check_output_directory(const RunConfig& cfg,
                                                 const nlohmann::json& problem);

// Rank 0, before anything is created: a run whose files would exceed 1 GiB or
// a tenth of the free disk (output_size()) needs --large-output, or its output
// chosen with --save-every / --save-members. The error names the options that
// reduce it and what they would write.
std::optional<UsageError> check_output_size(const RunConfig& cfg);

// Rank 0, once every check passed: creates the directory, takes its lock
// (held until unlock_output_directory(); a stale one is taken over with a note
// on stderr), writes pint-config.json (`config`) unless a resumed run has it
// already, then removes
// pint's files of an earlier run (--overwrite) or the temporaries of an
// interrupted one (--resume). Returns an error, having changed nothing, if the
// directory cannot be created or written, or another run holds its lock.
std::optional<UsageError> prepare_output_directory(const RunConfig& cfg,
                                                   const nlohmann::json& config);

// Writes `text` to `path` through a temporary beside it, renamed when
// complete. Throws std::runtime_error.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace pint::apps
