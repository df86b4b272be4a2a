#include "collective.hpp"

#include <vector>

namespace pint::apps {

std::string broadcast_string(MPI_Comm comm, const std::string& text) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  unsigned long long size = rank == 0 ? text.size() : 0;
  MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, comm);
  std::string out = rank == 0 ? text : std::string(static_cast<size_t>(size), '\0');
  if (size > 0) MPI_Bcast(out.data(), static_cast<int>(size), MPI_CHAR, 0, comm);
  return out;
}

}  // namespace pint::apps
