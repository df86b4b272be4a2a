// A run's result read back into host arrays: trajectory.h5 (or a file written
// by `pint combine`, or any per-solve file) as times, member indices and the
// saved states, for programs that use pint's output without HDF5 code.
//
//   const auto tr = pint::io::read_trajectory("pint-output");   // its trajectory.h5
//   double x_last = tr(tr.steps - 1, 0, 0);                      // member tr.members[0]
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pint::io {

struct Trajectory {
  std::vector<double> times;          // saved time points (steps)
  std::vector<std::int64_t> members;  // global index of every saved member
  std::int64_t steps = 0, dim = 0;
  std::vector<double> data;  // steps x members x dim, row-major

  std::int64_t saved_members() const { return static_cast<std::int64_t>(members.size()); }
  // Component c of the member at position i of `members`, at saved time point s.
  double operator()(std::int64_t s, std::int64_t i, std::int64_t c) const {
    return data[static_cast<size_t>((s * saved_members() + i) * dim + c)];
  }
};

// Reads `path`: a pint trajectory file, or a run's output directory (then its
// trajectory.h5). Serial; call it on any rank. Throws Hdf5Error naming the file
// when it cannot be read, std::invalid_argument when it is not pint's, DamagedFile
// when a per-slice file it refers to does not match its checksums.
Trajectory read_trajectory(const std::string& path);

}  // namespace pint::io
