// run.h5: the record of one run, written collectively by all ranks through
// MPI-IO (HDF5's mpio driver), each rank its own rows.
//
// Layout:
//   boundary_states  float64 (slices + 1, members, dim): the final iteration's
//                    slice boundary values U_0 .. U_N
//   boundary_times   float64 (slices + 1): T_0 .. T_N (when given)
//   convergence      float64 (iterations): entry i is the largest change of
//                    any boundary value in iteration i + 1
//   timings          float64 (ranks, phases): seconds per phase on each rank;
//                    attribute `phases` (strings) names the columns
//   attributes on /  the configuration, plus slices, members, dim, ranks,
//                    iterations and written_collectively (1 or 0)
#pragma once

#include "pint/io/attributes.hpp"

#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace pint::io {

// What a run reports, in plain data (pint::io knows nothing of parareal).
// Fields marked "global" must be the same on every rank; the others are this
// rank's part.
struct RunRecord {
  std::int64_t slices = 0;             // global: N; boundaries are 0 .. N
  std::int64_t members = 0;            // global: M
  std::int64_t dim = 0;                // global: components per member
  std::vector<double> boundary_times;  // global: T_0 .. T_N, or empty

  // This rank's block of boundary_states: boundaries [first_boundary,
  // first_boundary + boundary_count) of members [member_offset, member_offset
  // + local_members), row-major (boundary_count x local_members x dim). A rank
  // owning slices [a, b) usually passes boundaries a+1 .. b (the ends of its
  // slices), the rank owning slice 0 also boundary 0. Blocks of different
  // ranks must not overlap; a rank may pass none (boundary_count = 0).
  std::int64_t first_boundary = 0;
  std::int64_t boundary_count = 0;
  std::int64_t member_offset = 0;
  std::int64_t local_members = 0;
  std::vector<double> boundary_states;

  std::vector<double> convergence;  // global: largest change per iteration (k = 1, 2, ...)
  std::vector<std::string> phases;  // global: names of the timed phases
  std::vector<double> timings;      // this rank's seconds, one per phase
  Attributes config;                // global: the configuration
};

struct RunFileOptions {
  // Gather every rank's rows on rank 0 and write from there (no MPI-IO). This
  // is what happens anyway when HDF5 was built without MPI.
  bool gather_on_rank0 = false;
};

struct RunFileResult {
  std::string path;
  bool collective = false;  // written through MPI-IO by every rank, not gathered
};

// Writes `path` (conventionally <output directory>/run.h5): collective over
// `comm`, atomically (a temporary name, renamed when complete). Every rank
// checks the records of all ranks first and all throw the same
// std::invalid_argument if they disagree or overlap. Without MPI-IO (serial
// HDF5, or gather_on_rank0) rank 0 writes alone and says so on stderr once.
RunFileResult write_run_file(const std::string& path, const RunRecord& record,
                             MPI_Comm comm = MPI_COMM_WORLD, const RunFileOptions& options = {});

}  // namespace pint::io
