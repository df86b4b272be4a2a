#include "pint/parareal/results.hpp"

#include "pint/core/compat.hpp"

#include <mpi.h>

#include <stdexcept>
#include <string>

namespace pint::parareal {

namespace {

// This rank's part, packed as doubles: member begin, member end, the number of
// boundaries, then each boundary's index followed by its rows.
std::vector<double> pack(const Decomposition& dec, const Result& r, int dim,
                         const std::vector<double>& initial_rows) {
  const auto [mb, me] = dec.member_range();
  const auto local = static_cast<size_t>(me - mb);
  const size_t row = local * static_cast<size_t>(dim);
  if (initial_rows.size() != row) {
    throw std::invalid_argument("pint::parareal::gather_boundaries: initial_rows holds " +
                                std::to_string(initial_rows.size()) +
                                " values, expected this rank's " + std::to_string(local) +
                                " members x " + std::to_string(dim) +
                                " (pass the ensemble block that was solved)");
  }
  if (r.end_states.size() != r.owned_slices.size() * row) {
    throw std::invalid_argument(
        "pint::parareal::gather_boundaries: the result does not match the decomposition "
        "(pass the Decomposition it was solved with)");
  }
  const bool first = dec.time_rank() == 0;  // holds U_0 of its members
  const size_t count = r.owned_slices.size() + (first ? 1 : 0);
  std::vector<double> out;
  out.reserve(3 + count * (1 + row));
  out.push_back(static_cast<double>(mb));
  out.push_back(static_cast<double>(me));
  out.push_back(static_cast<double>(count));
  if (first) {
    out.push_back(0.0);
    out.insert(out.end(), initial_rows.begin(), initial_rows.end());
  }
  for (size_t i = 0; i < r.owned_slices.size(); ++i) {
    out.push_back(static_cast<double>(r.owned_slices[i] + 1));
    out.insert(out.end(), r.end_states.begin() + static_cast<std::ptrdiff_t>(i * row),
               r.end_states.begin() + static_cast<std::ptrdiff_t>((i + 1) * row));
  }
  return out;
}

// Unpacks the parts of every rank, concatenated, into the full array.
BoundaryStates unpack(const Decomposition& dec, int dim, const std::vector<double>& all) {
  BoundaryStates b;
  b.slices = dec.slices();
  b.members = dec.members();
  b.dim = dim;
  b.data.assign(
      static_cast<size_t>(b.slices + 1) * static_cast<size_t>(b.members) * static_cast<size_t>(dim),
      0.0);
  size_t at = 0;
  while (at < all.size()) {
    const auto mb = static_cast<std::int64_t>(all[at]), me = static_cast<std::int64_t>(all[at + 1]);
    const auto count = static_cast<size_t>(all[at + 2]);
    at += 3;
    const size_t row = static_cast<size_t>(me - mb) * static_cast<size_t>(dim);
    for (size_t i = 0; i < count; ++i) {
      const auto n = static_cast<std::int64_t>(all[at++]);
      std::copy(all.begin() + static_cast<std::ptrdiff_t>(at),
                all.begin() + static_cast<std::ptrdiff_t>(at + row),
                b.data.begin() + static_cast<std::ptrdiff_t>((n * b.members + mb) * dim));
      at += row;
    }
  }
  return b;
}

BoundaryStates gather(const Decomposition& dec, const Result& r,
                      const std::vector<double>& initial_rows, int root, bool everywhere) {
  ScopedRegion region(everywhere ? "pint::parareal::all_gather_boundaries"
                                 : "pint::parareal::gather_boundaries");
  const MPI_Comm comm = dec.world();
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  if (root < 0 || root >= size) {
    throw std::invalid_argument("pint::parareal::gather_boundaries: root " + std::to_string(root) +
                                " is not a rank of the " + std::to_string(size) + " ranks");
  }
  // Every rank's dimension: ranks whose result is empty still know it.
  int dim = r.dim;
  MPI_Allreduce(MPI_IN_PLACE, &dim, 1, MPI_INT, MPI_MAX, comm);
  const std::vector<double> mine = pack(dec, r, dim, initial_rows);
  const int count = static_cast<int>(mine.size());
  std::vector<int> counts(static_cast<size_t>(size)), displs(static_cast<size_t>(size), 0);
  if (everywhere) {
    MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
  } else {
    MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, root, comm);
  }
  for (int q = 1; q < size; ++q)
    displs[static_cast<size_t>(q)] =
        displs[static_cast<size_t>(q - 1)] + counts[static_cast<size_t>(q - 1)];
  const bool receives = everywhere || rank == root;
  std::vector<double> all(receives ? static_cast<size_t>(displs.back() + counts.back()) : 0);
  if (everywhere) {
    MPI_Allgatherv(mine.data(), count, MPI_DOUBLE, all.data(), counts.data(), displs.data(),
                   MPI_DOUBLE, comm);
  } else {
    MPI_Gatherv(mine.data(), count, MPI_DOUBLE, all.data(), counts.data(), displs.data(),
                MPI_DOUBLE, root, comm);
  }
  if (!receives) return {};
  return unpack(dec, dim, all);
}

}  // namespace

BoundaryStates gather_boundaries(const Decomposition& dec, const Result& r,
                                 const std::vector<double>& initial_rows, int root) {
  return gather(dec, r, initial_rows, root, false);
}

BoundaryStates all_gather_boundaries(const Decomposition& dec, const Result& r,
                                     const std::vector<double>& initial_rows) {
  return gather(dec, r, initial_rows, 0, true);
}

}  // namespace pint::parareal
