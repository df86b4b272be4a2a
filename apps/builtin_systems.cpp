// pint's own systems, compiled into the pint::apps library, and run(): the
// configured system's run function.
#include "pint/core/galaxy.hpp"
#include "pint/core/systems.hpp"
#include "run.hpp"
#include "system_entry.hpp"

namespace pint::apps {

std::vector<SystemInfo> builtin_systems() {
  // The oscillator as in the seed tutorial (omega0 = 1, zeta = 0.5, y0 = (1, 0)),
  // Van der Pol with mu = 1 from (2, 0).
  std::vector<SystemInfo> all = {system_entry<core::Oscillator>({1.0, 0.5}, {1.0, 0.0}),
                                 system_entry<core::VanDerPol>({1.0}, {2.0, 0.0})};
  // The galaxy collision (core/galaxy.hpp): host and nucleus Plummer spheres; the
  // stars start on a seeded disc about the nucleus.
  const core::GalaxySetup d;
  SystemInfo galaxy =
      system_entry<core::Galaxy>({d.m_host, d.a_host, d.m_nucleus, d.a_nucleus}, {});
  galaxy.fixed_initial =
      "the galaxy's initial state is a seeded disc of stars about the nucleus, not set per "
      "component: choose the number of stars with --members and the disc with --seed";
  all.push_back(std::move(galaxy));
  return all;
}

int run(core::Runtime& runtime, const RunConfig& cfg, const std::string& command_line) {
  return find_system(cfg.system, "--system").run(runtime, cfg, command_line);
}

}  // namespace pint::apps
