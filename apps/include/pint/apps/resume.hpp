// Resuming: fine results read back from the complete per-solve files of an
// interrupted run, bit for bit.
#pragma once

#include <cstdint>
#include <string>

namespace pint::apps {

// The solve a stored file must be.
struct ExpectedSolve {
  std::string directory;
  int iteration = 0, slice = 0;
  double t0 = 0, t1 = 0;
  std::int64_t steps = 0;
  std::string system, integrator;
  std::int64_t ensemble_size = 0;
  int dim = 0;
};

// If <directory>/fine-{k}-{t0}-{t1}.h5 is complete (not a temporary), is that
// solve, and holds every member of [begin, end), writes their state at its
// last saved step (= the end of the solve; (end - begin) x dim, row-major) to
// `out` and returns true. Otherwise (a missing or unreadable file, or members
// it did not save) returns false: the solve is computed again. A damaged file
// (io::verify_solve_file()) is reported on stderr (by the rank whose block
// starts at member 0) and computed again too.
bool read_stored_end(const ExpectedSolve& solve, std::int64_t begin, std::int64_t end, double* out);

}  // namespace pint::apps
