#include "resume.hpp"

#include "pint/io/file_names.hpp"
#include "pint/io/read_back.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace pint::apps {

bool read_stored_end(const ExpectedSolve& e, std::int64_t begin, std::int64_t end, double* out) {
  const std::string path =
      (std::filesystem::path(e.directory) / io::fine_file_name(e.iteration, e.t0, e.t1)).string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  try {
    // Every value, not only the last row: the file stays the slice's result
    // (trajectory.h5 refers to it), so a damaged one is computed and written again.
    io::verify_solve_file(path);
    const io::SolveFile f = io::read_solve_file(path);
    if (f.iteration != e.iteration || f.slice != e.slice || f.t0 != e.t0 || f.t1 != e.t1 ||
        f.n != e.steps || f.last_time != e.t1 || f.system != e.system ||
        f.integrator != e.integrator || f.ensemble_size != e.ensemble_size || f.dim != e.dim) {
      return false;
    }
    // Members [begin, end) must be consecutive entries of the saved list.
    const auto first = std::lower_bound(f.members.begin(), f.members.end(), begin);
    const std::int64_t row = first - f.members.begin(), count = end - begin;
    if (row + count > static_cast<std::int64_t>(f.members.size())) return false;
    if (count > 0 && (f.members[static_cast<size_t>(row)] != begin ||
                      f.members[static_cast<size_t>(row + count - 1)] != end - 1)) {
      return false;
    }
    const auto rows = io::read_saved_rows(path, f.steps - 1, row, count);
    std::copy(rows.begin(), rows.end(), out);
    return true;
  } catch (const io::DamagedFile& damaged) {
    // One line per file: from the rank holding member 0 (every file has one).
    if (begin == 0) {
      std::string what = damaged.what();
      if (what.rfind("pint::io: ", 0) == 0) what.erase(0, 10);
      std::fprintf(stderr, "pint: warning: %s; slice %d of iteration %d is computed again\n",
                   what.c_str(), e.slice, e.iteration);
      std::fflush(stderr);
    }
    return false;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace pint::apps
