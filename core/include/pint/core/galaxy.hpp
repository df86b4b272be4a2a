// The galaxy collision's set-up (the parallel-HDF5 seed's challenge): an
// infalling galaxy, a nucleus with a disc of stars on circular orbits about it,
// falling into a larger host galaxy at the origin. See core::Galaxy for the
// equations. G = 1; lengths, masses and times in the same arbitrary units.
#pragma once

#include "pint/core/ensemble.hpp"

#include <cstdint>

namespace pint::core {

struct GalaxySetup {
  std::int64_t stars = 1000;
  std::uint64_t seed = 0;
  double m_host = 10.0, a_host = 1.0;       // host Plummer sphere
  double m_nucleus = 1.0, a_nucleus = 0.2;  // infalling nucleus
  double nucleus_position[3] = {8.0, 0.0, 0.0};
  double nucleus_velocity[3] = {0.0, 0.6, 0.15};  // below circular: it falls in
  double disc_inner = 0.3, disc_outer = 1.2;      // stars' radii about the nucleus
  double inclination = 0.5;                       // disc plane tilt about x, radians

  // The ensemble: constant parameters (m_host, a_host, m_nucleus, a_nucleus) and
  // the disc as initial states. Throws std::invalid_argument on bad values.
  EnsembleSpec ensemble() const;
  // Star `member`'s initial state (12 values, the layout of core::Galaxy):
  // radius uniform in area between disc_inner and disc_outer, angle uniform,
  // moving on the circular orbit about the nucleus, plus the nucleus' motion.
  void initial_state(std::int64_t member, double* y) const;
};

}  // namespace pint::core
