#include "pint/core/galaxy.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace pint::core {

void GalaxySetup::initial_state(std::int64_t member, double* y) const {
  // Two uniform draws per star, from the same counter-based generator as the
  // ensembles' random ranges: a function of (seed, member) only.
  const Distribution unit = Distribution::uniform(0.0, 1.0);
  const double u = unit.value(member, stars, seed, 2000), w = unit.value(member, stars, seed, 2001);
  const double r2 =
      disc_inner * disc_inner + u * (disc_outer * disc_outer - disc_inner * disc_inner);
  const double r = std::sqrt(r2), theta = 2.0 * M_PI * w;
  // Circular speed about the nucleus' Plummer sphere.
  const double s2 = r2 + a_nucleus * a_nucleus;
  const double v = std::sqrt(m_nucleus * r2 / (s2 * std::sqrt(s2)));
  const double ci = std::cos(inclination), si = std::sin(inclination);
  const double px = r * std::cos(theta), py = r * std::sin(theta);
  const double vx = -v * std::sin(theta), vy = v * std::cos(theta);
  // Disc plane tilted about the x axis.
  const double pos[3] = {px, py * ci, py * si}, vel[3] = {vx, vy * ci, vy * si};
  for (int i = 0; i < 3; ++i) {
    y[i] = nucleus_position[i] + pos[i];
    y[3 + i] = nucleus_position[i];
    y[6 + i] = nucleus_velocity[i] + vel[i];
    y[9 + i] = nucleus_velocity[i];
  }
}

EnsembleSpec GalaxySetup::ensemble() const {
  auto positive = [](double x, const char* what) {
    if (!(x > 0.0) || !std::isfinite(x)) {
      throw std::invalid_argument(std::string(what) + " must be a positive finite number, got " +
                                  std::to_string(x));
    }
  };
  if (stars < 1) throw std::invalid_argument("stars: need at least 1 star");
  positive(m_host, "m_host");
  positive(a_host, "a_host");
  positive(m_nucleus, "m_nucleus");
  positive(a_nucleus, "a_nucleus");
  positive(disc_outer, "disc_outer");
  if (!(disc_inner >= 0.0) || !(disc_inner < disc_outer)) {
    throw std::invalid_argument("disc radii: need 0 <= disc_inner < disc_outer");
  }
  EnsembleSpec spec;
  spec.members = stars;
  spec.seed = seed;
  spec.params = {Distribution::constant(m_host), Distribution::constant(a_host),
                 Distribution::constant(m_nucleus), Distribution::constant(a_nucleus)};
  const GalaxySetup copy = *this;
  spec.initial_state = [copy](std::int64_t member, double* y) { copy.initial_state(member, y); };
  return spec;
}

}  // namespace pint::core
