// `pint info`: the build, Kokkos backends and devices, MPI, HDF5, and the
// rank -> host/device/threads map.
#pragma once

#include "pint/core/runtime.hpp"

#include <nlohmann/json.hpp>

namespace pint::apps {

// Everything `pint info --json` prints (collective: gathers every rank's placement).
nlohmann::json info_json(const core::Runtime& rt);

// The same as text, one line per item and per rank.
void print_info_text(const nlohmann::json& j);

}  // namespace pint::apps
