#include "pint/io/read_trajectory.hpp"

#include "pint/core/compat.hpp"
#include "pint/io/read_back.hpp"
#include "pint/io/stitch.hpp"

#include <filesystem>
#include <stdexcept>

namespace pint::io {

Trajectory read_trajectory(const std::string& path) {
  ScopedRegion region("pint::io::read_trajectory");
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string file =
      fs::is_directory(path, ec) ? (fs::path(path) / "trajectory.h5").string() : path;
  if (!fs::exists(file, ec)) {
    throw std::invalid_argument("pint::io::read_trajectory: " + file +
                                " does not exist; give a run's output directory or one of its "
                                "trajectory files");
  }
  verify_sources(file);  // a damaged per-slice file throws, never gives wrong numbers
  Trajectory t;
  TrajectoryAxes axes = read_trajectory_axes(file);
  t.times = std::move(axes.times);
  t.members = std::move(axes.members);
  t.steps = static_cast<std::int64_t>(t.times.size());
  if (t.steps > 0 && !t.members.empty()) {
    t.data = read_saved_rows(file, 0, 0, t.saved_members(), t.steps);
    t.dim = static_cast<std::int64_t>(t.data.size()) / (t.steps * t.saved_members());
  }
  return t;
}

}  // namespace pint::io
