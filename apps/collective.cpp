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

namespace {

template <class T>
std::vector<T> gather(MPI_Comm comm, const std::vector<T>& values, MPI_Datatype type) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const int count = static_cast<int>(values.size());
  std::vector<int> counts(static_cast<size_t>(size)), displs(static_cast<size_t>(size));
  MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm);
  for (int q = 1; q < size; ++q)
    displs[q] = displs[q - 1] + counts[q - 1];
  std::vector<T> all(rank == 0 ? static_cast<size_t>(displs.back() + counts.back()) : 0);
  MPI_Gatherv(values.data(), count, type, all.data(), counts.data(), displs.data(), type, 0, comm);
  return all;
}

}  // namespace

std::vector<int> gather_on_root(MPI_Comm comm, const std::vector<int>& values) {
  return gather(comm, values, MPI_INT);
}

std::vector<double> gather_on_root(MPI_Comm comm, const std::vector<double>& values) {
  return gather(comm, values, MPI_DOUBLE);
}

}  // namespace pint::apps
