// `pint run`: the run wiring of the system the configuration names (its
// SystemInfo::run, which is run_system<System> from run_system.hpp).
#pragma once

#include "config.hpp"
#include "pint/core/runtime.hpp"

#include <string>

namespace pint::apps {

// Runs a checked configuration whose output directory is prepared
// (collective). Returns the exit code: 0, or 1 if the iteration diverged.
int run(core::Runtime& runtime, const RunConfig& cfg, const std::string& command_line);

}  // namespace pint::apps
