// galaxy.h5: the galaxy run's stars in the parallel-HDF5 seed's layout.
#pragma once

#include "config.hpp"

#include <mpi.h>

namespace pint::apps {

// Reads <output>/trajectory.h5 (complete) and writes <output>/galaxy.h5 with
// pos_pt, vel_pt (stars x time points x 3), pos_nuc, vel_nuc (1 x time points x 3)
// and t, through MPI-IO: every rank of `comm` reads and writes its own block of
// stars, a bounded number of time points at a time. Collective over `comm`.
void write_galaxy_file(const RunConfig& cfg, MPI_Comm comm);

}  // namespace pint::apps
