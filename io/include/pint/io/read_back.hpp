// Reading a committed per-solve file back: what it holds, and the saved rows
// of one time point (resuming a run from its complete files).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace pint::io {

// The description of a per-solve trajectory file, from its attributes and
// small datasets (see trajectory_sink.hpp for the layout).
struct SolveFile {
  std::string path;
  std::string system, integrator;
  std::int64_t iteration = 0, slice = 0;
  double t0 = 0, t1 = 0;
  std::int64_t n = 0;              // steps of the solve
  std::int64_t save_every = 0;     // saved every save_every-th step, and the last
  std::int64_t ensemble_size = 0;  // members of the whole ensemble
  std::int64_t steps = 0;          // saved time points (rows along the first axis of `data`)
  std::int64_t dim = 0;
  std::vector<std::int64_t> members;     // global index of every saved member, sorted
  double first_time = 0, last_time = 0;  // the times of the first and last saved rows
};

// Reads the description of the committed file `path`. Throws Hdf5Error if it
// cannot be read, std::invalid_argument if it is not a pint trajectory file
// (its datasets are not shaped as above).
SolveFile read_solve_file(const std::string& path);

// Saved rows [first_row, first_row + count) of saved time point `step` of
// `data` (count x dim, row-major). Throws as read_solve_file() does, and
// std::invalid_argument for a box outside the dataset.
// With `steps` > 1: saved time points [step, step + steps), steps x count x dim.
// Works on any pint trajectory file, the stitched trajectory.h5 included.
std::vector<double> read_saved_rows(const std::string& path, std::int64_t step,
                                    std::int64_t first_row, std::int64_t count,
                                    std::int64_t steps = 1);

// A per-solve file whose datasets do not match their checksums (a flipped bit,
// a truncated or overwritten file): what() is one line naming the file and
// what is wrong with it.
class DamagedFile : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads every value of the per-solve file `path` ('data', 't', 'members') and
// checks it against the checksum pint wrote with it (an attribute `checksum`
// on each dataset, see trajectory_sink.hpp). Throws DamagedFile if the file
// cannot be opened or read, lacks a checksum, or does not match. Reads the
// whole file in blocks of a few MiB.
void verify_solve_file(const std::string& path);

// The saved times (`t`) and saved members (`members`) of any pint trajectory file.
struct TrajectoryAxes {
  std::vector<double> times;
  std::vector<std::int64_t> members;
};
TrajectoryAxes read_trajectory_axes(const std::string& path);

}  // namespace pint::io
