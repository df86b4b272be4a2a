// The galaxy collision's output in the parallel-HDF5 seed's layout: one file,
// written by all ranks together through MPI-IO, each rank its own stars.
//
//   pos_pt, vel_pt    (stars x time points x 3)   star positions and velocities
//   pos_nuc, vel_nuc  (1 x time points x 3)       the nucleus
//   t                 (time points)
//   members           (stars)                     which ensemble members the rows are
//
// Attributes on the root: t0, t1, h, n, save_every, integrator, system, and the
// caller's (e.g. the galaxies' masses and radii). Written as `.NAME.partial` and
// renamed when every rank has finished.
#pragma once

#include "pint/core/trajectory_sink.hpp"
#include "pint/io/attributes.hpp"

#include <mpi.h>

#include <memory>
#include <string>

namespace pint::io {

class GalaxyFileSink final : public core::TrajectorySink {
 public:
  // `comm`: the ranks that share the file (each writing solve.local_members
  // rows from solve.member_offset; together they tile solve.saved_members).
  explicit GalaxyFileSink(std::string path, MPI_Comm comm = MPI_COMM_WORLD,
                          Attributes attributes = {});
  ~GalaxyFileSink() override;
  GalaxyFileSink(const GalaxyFileSink&) = delete;
  GalaxyFileSink& operator=(const GalaxyFileSink&) = delete;

  // Collective over comm. Needs the galaxy system's 12-component state.
  void begin(const core::SolveDescription& solve) override;
  void write(std::int64_t first, std::int64_t count, const double* times,
             const double* rows) override;
  // Collective over comm: closes the file and publishes it under its name.
  void commit() override;
  void abandon() noexcept override;

  const std::string& path() const noexcept;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace pint::io
