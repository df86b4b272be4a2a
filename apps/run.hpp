// `pint run`: the run wiring. The ensemble, the parareal solver (or the fine
// propagator alone) streaming into the HDF5 sink, then trajectory.h5, run.h5,
// run.json and the plots.
#pragma once

#include "config.hpp"
#include "pint/core/runtime.hpp"

#include <string>

namespace pint::apps {

// Runs a checked configuration whose output directory is prepared
// (collective). Returns the exit code: 0, or 1 if the iteration diverged.
int run(core::Runtime& runtime, const RunConfig& cfg, const std::string& command_line);

}  // namespace pint::apps
