// Names of the per-solve trajectory files, as in the seed tutorial:
// fine-{k:04}-{t0*1000:06}-{t1*1000:06}.h5, times in thousandths truncated
// toward zero (Python's int()).
#pragma once

#include <string>
#include <vector>

namespace pint::io {

// "fine-0003-000789-001578.h5" for iteration 3 over [0.789.., 1.578..].
// Throws std::invalid_argument for a negative iteration or a non-finite time.
std::string fine_file_name(int iteration, double t0, double t1);

// The name a file is written under until it is complete: ".<name>.partial",
// in the same directory. `path` may be a bare name or a path.
std::string partial_path(const std::string& path);

// Refuses slice boundaries T_0 < ... < T_N whose slices would share a file
// name (slices closer than a thousandth of a time unit): throws
// std::invalid_argument naming the two slices, their spans, the name, and
// what to change. Iterations never collide with each other, so checking one
// iteration checks all.
void check_unique_file_names(const std::vector<double>& boundaries);

// Removes the files of iterations 0 .. iteration-1 of the slice [t0, t1] in
// `directory` (those a later iteration superseded); returns how many existed.
// Files of other slices, temporary files and foreign files are left alone.
int remove_older_iterations(const std::string& directory, int iteration, double t0, double t1);

}  // namespace pint::io
