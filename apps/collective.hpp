// Small collectives of the pint command.
#pragma once

#include <mpi.h>

#include <string>

namespace pint::apps {

// Rank 0's `text`, on every rank of `comm` (the argument is ignored elsewhere).
std::string broadcast_string(MPI_Comm comm, const std::string& text);

}  // namespace pint::apps
