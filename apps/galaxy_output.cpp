#include "galaxy_output.hpp"

#include "pint/core/ensemble.hpp"
#include "pint/core/systems.hpp"
#include "pint/io/galaxy_file.hpp"
#include "pint/io/read_back.hpp"

#include <algorithm>
#include <filesystem>

namespace pint::apps {

void write_galaxy_file(const RunConfig& cfg, MPI_Comm comm) {
  namespace fs = std::filesystem;
  const std::string trajectory = (fs::path(cfg.output) / "trajectory.h5").string();
  const auto axes = io::read_trajectory_axes(trajectory);
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const auto stars = static_cast<std::int64_t>(axes.members.size());
  const auto [b, e] = core::block_range(stars, size, rank);
  const auto T = static_cast<std::int64_t>(axes.times.size());

  // The stitched run as one solve of T saved points (one saved point per row).
  core::SolveDescription solve;
  solve.system = cfg.system;
  solve.integrator = cfg.fine.method;
  solve.dim = core::Galaxy::dim;
  solve.t0 = cfg.t0;
  solve.t1 = cfg.t1;
  solve.n = T - 1;
  solve.h = (cfg.t1 - cfg.t0) / static_cast<double>(std::max<std::int64_t>(1, T - 1));
  solve.save_every = 1;
  solve.saved_members = axes.members;
  solve.member_offset = b;
  solve.local_members = e - b;
  solve.ensemble_size = cfg.members;
  io::Attributes attributes = {{"source", "trajectory.h5"},
                               {"fine_method", cfg.fine.method},
                               {"fine_h", cfg.fine.h},
                               {"seed", static_cast<std::int64_t>(cfg.seed)}};
  for (const auto& p : cfg.params)
    attributes.push_back({p.name, p.value.lo});

  io::GalaxyFileSink sink((fs::path(cfg.output) / "galaxy.h5").string(), comm, attributes);
  sink.begin(solve);
  const std::int64_t row_bytes = std::max<std::int64_t>(1, e - b) * core::Galaxy::dim * 8;
  const std::int64_t batch = std::max<std::int64_t>(1, (std::int64_t{4} << 20) / row_bytes);
  for (std::int64_t s = 0; s < T; s += batch) {
    const std::int64_t count = std::min(batch, T - s);
    const auto rows = io::read_saved_rows(trajectory, s, b, e - b, count);
    sink.write(s, count, axes.times.data() + s, rows.data());
  }
  sink.commit();
}

}  // namespace pint::apps
