// The whole pint command (run, combine, info) as a function, for pint's own
// `pint` and for commands built for user systems (CMake: pint_add_cli()).
#pragma once

#include "system_list.hpp"

#include <vector>

namespace pint::apps {

// Runs the command line `argv` with pint's systems and `systems` (from
// system_entry<System>()): initialises MPI and Kokkos, dispatches, and returns
// the exit code (0; 1 on a diverged run; 2 on invalid input).
int cli_main(int argc, char** argv, std::vector<SystemInfo> systems = {});

}  // namespace pint::apps
