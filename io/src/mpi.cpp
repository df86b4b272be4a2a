#include "impl/mpi.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace pint::io::Impl {

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

void broadcast(std::string& text, MPI_Comm comm) {
  unsigned long long size = text.size();
  MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, comm);
  text.resize(static_cast<std::size_t>(size));
  if (size > 0) MPI_Bcast(text.data(), static_cast<int>(size), MPI_CHAR, 0, comm);
}

void check_member_blocks(std::uint64_t hash, std::int64_t offset, std::int64_t count,
                         std::int64_t total, MPI_Comm comm, const std::string& what) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  const std::array<std::int64_t, 3> mine = {static_cast<std::int64_t>(hash), offset, count};
  std::vector<std::int64_t> all(3 * static_cast<std::size_t>(size));
  MPI_Allgather(mine.data(), 3, MPI_INT64_T, all.data(), 3, MPI_INT64_T, comm);
  std::vector<std::tuple<std::int64_t, std::int64_t, int>> blocks;  // offset, count, rank
  for (int r = 0; r < size; ++r) {
    const std::int64_t* e = &all[3 * static_cast<std::size_t>(r)];
    if (e[0] != all[0]) {
      throw std::invalid_argument("pint::io: the ranks sharing " + what +
                                  " describe it differently (rank " + std::to_string(r) +
                                  " differs from rank 0); give every rank of the communicator the "
                                  "same description apart from its own block of members");
    }
    if (e[2] > 0) blocks.emplace_back(e[1], e[2], r);
  }
  std::sort(blocks.begin(), blocks.end());
  std::int64_t expected = 0;
  for (const auto& [first, n, r] : blocks) {
    if (first != expected) {
      throw std::invalid_argument(
          "pint::io: the member blocks of the ranks sharing " + what + " do not cover the " +
          std::to_string(total) + " members once (rank " + std::to_string(r) + " starts at " +
          std::to_string(first) + " where " + std::to_string(expected) +
          " was expected); give each rank a contiguous block so that together they cover 0.." +
          std::to_string(total - 1) + " exactly once");
    }
    expected = first + n;
  }
  if (expected != total) {
    throw std::invalid_argument("pint::io: the member blocks of the ranks sharing " + what +
                                " cover members 0.." + std::to_string(expected - 1) + " of " +
                                std::to_string(total) +
                                "; give the ranks blocks that together cover all of them");
  }
}

}  // namespace pint::io::Impl
