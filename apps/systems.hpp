// The systems the pint command knows, by name, with the defaults it uses for
// parameters and initial components the user does not give.
#pragma once

#include "pint/core/galaxy.hpp"
#include "pint/core/systems.hpp"
#include "usage_error.hpp"

#include <string>
#include <vector>

namespace pint::apps {

struct SystemInfo {
  std::string name;
  std::vector<std::string> params, states;  // names, in the system's order
  std::vector<double> default_params, default_initial;
  // Non-empty: the initial state is not given per component (the galaxy's disc)
  // and --initial is refused with this explanation.
  std::string fixed_initial;
};

template <class System>
SystemInfo describe_system(std::vector<double> default_params,
                           std::vector<double> default_initial) {
  SystemInfo s;
  s.name = System::name();
  for (int k = 0; k < System::num_params; ++k)
    s.params.push_back(System::param_name(k));
  for (int c = 0; c < System::dim; ++c)
    s.states.push_back(System::state_name(c));
  s.default_params = std::move(default_params);
  s.default_initial = std::move(default_initial);
  return s;
}

// The galaxy collision (core/galaxy.hpp): host and nucleus Plummer spheres; the
// stars start on a seeded disc about the nucleus.
inline SystemInfo galaxy() {
  const core::GalaxySetup d;
  SystemInfo s = describe_system<core::Galaxy>({d.m_host, d.a_host, d.m_nucleus, d.a_nucleus}, {});
  s.fixed_initial =
      "the galaxy's initial state is a seeded disc of stars about the nucleus, not set per "
      "component: choose the number of stars with --members and the disc with --seed";
  return s;
}

// Every system, with its defaults: the oscillator as in the seed tutorial
// (omega0 = 1, zeta = 0.5, y0 = (1, 0)), Van der Pol with mu = 1 from (2, 0).
inline const std::vector<SystemInfo>& systems() {
  static const std::vector<SystemInfo> all = {
      describe_system<core::Oscillator>({1.0, 0.5}, {1.0, 0.0}),
      describe_system<core::VanDerPol>({1.0}, {2.0, 0.0}), galaxy()};
  return all;
}

inline std::string system_names() {
  std::string names;
  for (const auto& s : systems())
    names += (names.empty() ? "" : ", ") + s.name;
  return names;
}

// The system called `name`; throws UsageError naming `option` otherwise.
inline const SystemInfo& find_system(const std::string& name, const std::string& option) {
  for (const auto& s : systems())
    if (s.name == name) return s;
  throw UsageError(option, "unknown system '" + name + "'; accepted: " + system_names());
}

// Calls f(System{}) for the system called `name` (one of systems()).
template <class F>
decltype(auto) with_system(const std::string& name, F&& f) {
  if (name == core::VanDerPol::name()) return f(core::VanDerPol{});
  if (name == core::Galaxy::name()) return f(core::Galaxy{});
  return f(core::Oscillator{});
}

}  // namespace pint::apps
