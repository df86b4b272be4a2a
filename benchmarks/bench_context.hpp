// Context recorded with every benchmark run: what was measured, where.
#pragma once

#include "pint/core/build_info.hpp"
#include "pint/core/runtime.hpp"

#include <benchmark/benchmark.h>
#include <Kokkos_Core.hpp>

#include <string>

namespace pint::bench {

inline void add_context(int ranks = 1) {
  const auto& b = core::build_info();
  benchmark::AddCustomContext("pint_version", b.version);
  benchmark::AddCustomContext("git_revision", b.git_revision);
  benchmark::AddCustomContext("kokkos_version", b.kokkos_version);
  benchmark::AddCustomContext("kokkos_backends", b.backends);
  benchmark::AddCustomContext("execution_space", Kokkos::DefaultExecutionSpace::name());
  benchmark::AddCustomContext("concurrency",
                              std::to_string(Kokkos::DefaultExecutionSpace().concurrency()));
  benchmark::AddCustomContext("mpi_ranks", std::to_string(ranks));
  benchmark::AddCustomContext("compiler", b.compiler);
  benchmark::AddCustomContext("hdf5", b.hdf5_version);
}

}  // namespace pint::bench
