// A system as the pint command knows it: system_entry<System>() describes a
// system struct (names, defaults) and compiles `pint run` for it. A command for
// user systems is main() { return cli_main(argc, argv, {system_entry<Lorenz>()}); },
// which CMake's pint_add_cli() writes.
#pragma once

#include "pint/core/system_traits.hpp"
#include "run_system.hpp"
#include "system_list.hpp"

#include <vector>

namespace pint::apps {

// `default_params` / `default_initial`: the values used where the user gives
// none; empty: those of the system's default_params() / default_initial() if
// it has them, else none (the user must give every value).
template <class System>
SystemInfo system_entry(std::vector<double> default_params = {},
                        std::vector<double> default_initial = {}) {
  SystemInfo s;
  if constexpr (core::check_system<System>()) {  // else: one message naming what is missing
    s.name = System::name();
    for (int k = 0; k < System::num_params; ++k)
      s.params.push_back(System::param_name(k));
    for (int c = 0; c < System::dim; ++c)
      s.states.push_back(System::state_name(c));
    if constexpr (core::has_default_params_v<System>) {
      if (default_params.empty()) {
        const auto d = System::default_params();
        default_params.assign(d.v, d.v + System::num_params);
      }
    }
    if constexpr (core::has_default_initial_v<System>) {
      if (default_initial.empty()) {
        const auto d = System::default_initial();
        default_initial.assign(d.v, d.v + System::dim);
      }
    }
    s.default_params = std::move(default_params);
    s.default_initial = std::move(default_initial);
    s.check_method = [](const std::string& method) {
      kernels::check_method<System>(kernels::parse_method(method));
    };
    s.run = [](core::Runtime& rt, const RunConfig& cfg, const std::string& command_line) {
      return Impl::run_system<System>(rt, cfg, command_line);
    };
  }
  return s;
}

}  // namespace pint::apps
