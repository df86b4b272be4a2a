// The result of a run: trajectory.h5 stitches the final per-slice files into
// one (steps, members, dim) array without copying (HDF5 virtual datasets), and
// combine() materialises it into a file with real datasets.
//
// trajectory.h5 layout:
//   data              float64 (steps, members, dim), virtual: slice 0 gives all
//                     its rows, slice n > 0 its rows from saved index 1 on (its
//                     first row is slice n-1's last: boundaries are not repeated)
//   t                 float64 (steps), virtual, the same way
//   members           int64 (members), a copy of the slices' `members`
//   boundaries        float64 (slices + 1): T_0 .. T_N
//   slice_iterations  int64 (slices): the iteration each slice's file is from
//   slice_files       strings (slices): the source files, relative to the
//                     directory of trajectory.h5 where they lie beside it
//   attributes on /   slices, dim, ensemble_size, system, integrator, plus
//                     StitchOptions::attributes
// Source files are found relative to trajectory.h5, so the directory may move.
// Rows of a missing source file read as NaN.
#pragma once

#include "pint/io/attributes.hpp"
#include "pint/io/read_back.hpp"

#include <string>
#include <vector>

namespace pint::io {

struct StitchOptions {
  std::string output_name = "trajectory.h5";
  // false: remove every slice's files from iterations older than the one
  // stitched (once trajectory.h5 is complete).
  bool keep_older_iterations = true;
  // Written as attributes on the root group (e.g. omega0, zeta, q0, p0).
  Attributes attributes;
  // Descriptions of slice files known already (by the sink that wrote them:
  // Hdf5TrajectorySink::written_files()), matched by path: those files are
  // not opened again, only checked to exist. The others are read.
  std::vector<SolveFile> known;
};

// The files of the final solve of each slice: slice n's is
// <directory>/fine_file_name(iterations[n], boundaries[n], boundaries[n+1]).
// `iterations` has one entry per slice, or a single entry for all of them.
std::vector<std::string> final_slice_files(const std::string& directory,
                                           const std::vector<double>& boundaries,
                                           const std::vector<int>& iterations);

// Writes <directory>/<options.output_name> over the given per-slice files, in
// slice order, and returns its path. Checks that the files are complete pint
// trajectory files of the same members and dimension whose times join up
// (slice n starts where slice n-1 ends); throws std::invalid_argument naming
// the file otherwise. Serial: call it on one rank.
std::string write_stitched(const std::string& directory,
                           const std::vector<std::string>& slice_files,
                           const StitchOptions& options = {});

// Checks every per-slice file the virtual datasets of the trajectory file
// `input` refer to: it must exist (else std::invalid_argument) and match its
// checksums (else DamagedFile naming it, see read_back.hpp). Does nothing for
// a file of real datasets.
void verify_sources(const std::string& input);

// Copies a trajectory file (usually the virtual trajectory.h5) into `output`
// with real, chunked datasets (optionally gzip level `compression`), the same
// small datasets and root attributes, streaming a bounded block of rows at a
// time, after verify_sources(). Written under a temporary name and renamed when
// complete.
void combine(const std::string& input, const std::string& output, int compression = 0);

}  // namespace pint::io
