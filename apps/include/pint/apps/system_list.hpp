// The systems a pint command knows, by name: pint's own (oscillator, vanderpol,
// galaxy) and those a `pint_add_cli()` command adds (system_entry.hpp). Each
// comes with its names, its defaults and the function that runs it; nothing
// here needs Kokkos (the run functions are compiled where the systems are).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace pint::core {
class Runtime;
}

namespace pint::apps {

struct RunConfig;

struct SystemInfo {
  std::string name;
  std::vector<std::string> params, states;  // names, in the system's order
  // Empty: the system has no defaults and the user gives every value.
  std::vector<double> default_params, default_initial;
  // Non-empty: the initial state is not given per component (the galaxy's disc)
  // and --initial is refused with this explanation.
  std::string fixed_initial;
  // Throws std::invalid_argument saying why when the integrator named
  // (kernels::method_names()) cannot advance this system (leapfrog needs a
  // separable one, the implicit methods a Jacobian); empty: any method.
  std::function<void(const std::string& method)> check_method;
  // Runs a checked configuration of this system (see run.hpp).
  std::function<int(core::Runtime&, const RunConfig&, const std::string&)> run;
};

// pint's own systems (builtin_systems.cpp).
std::vector<SystemInfo> builtin_systems();

// Adds systems after the built-in ones, for the rest of the process. Throws
// std::invalid_argument when a name is empty or already taken.
void add_systems(std::vector<SystemInfo> systems);

// Every system: the built-in ones, then the added ones.
const std::vector<SystemInfo>& systems();

// "oscillator, vanderpol, galaxy, ..."
std::string system_names();

// The system called `name`; throws UsageError naming `option` otherwise.
const SystemInfo& find_system(const std::string& name, const std::string& option);

}  // namespace pint::apps
