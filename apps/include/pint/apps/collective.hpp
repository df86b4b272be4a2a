// Small collectives of the pint command.
#pragma once

#include <mpi.h>

#include <string>
#include <vector>

namespace pint::apps {

// Rank 0's `text`, on every rank of `comm` (the argument is ignored elsewhere).
std::string broadcast_string(MPI_Comm comm, const std::string& text);

// Every rank's `values`, concatenated in rank order, on rank 0 of `comm` (empty
// elsewhere).
std::vector<int> gather_on_root(MPI_Comm comm, const std::vector<int>& values);
std::vector<double> gather_on_root(MPI_Comm comm, const std::vector<double>& values);

}  // namespace pint::apps
