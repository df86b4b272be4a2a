# Every external dependency of pint is found here, once. Each failure names the
# missing piece and how to get it.
include(PintKokkos)
pint_find_kokkos()

find_package(MPI QUIET COMPONENTS CXX)
if(NOT MPI_CXX_FOUND)
  message(FATAL_ERROR
    "pint: no MPI C++ library found. On Debian 12 run scripts/install-deps.sh "
    "(packages openmpi-bin libopenmpi-dev); on a cluster load an MPI module.")
endif()

# Prefer the MPI-enabled HDF5 (Debian: libhdf5-openmpi-dev) for the collective run file.
set(HDF5_PREFER_PARALLEL TRUE)
find_package(HDF5 QUIET COMPONENTS C)  # needs the C language enabled
if(NOT HDF5_FOUND)
  message(FATAL_ERROR
    "pint: HDF5 not found. On Debian 12 run scripts/install-deps.sh (package "
    "libhdf5-openmpi-dev); otherwise pass -DHDF5_ROOT=<prefix of a parallel HDF5 1.10+>.")
endif()
if(HDF5_VERSION VERSION_LESS 1.10)
  message(FATAL_ERROR "pint: HDF5 ${HDF5_VERSION} is too old; pint needs HDF5 1.10 or newer.")
endif()
set(PINT_HDF5_PARALLEL ${HDF5_IS_PARALLEL})
find_package(Threads REQUIRED)  # pint::io's background writer

find_package(CLI11 QUIET CONFIG)
find_package(nlohmann_json 3.9 QUIET CONFIG)
find_package(tomlplusplus QUIET CONFIG)
foreach(_pkg CLI11 nlohmann_json tomlplusplus)
  if(NOT ${_pkg}_FOUND)
    message(FATAL_ERROR
      "pint: ${_pkg} not found (the pint command needs it). On Debian 12 run "
      "scripts/install-deps.sh; otherwise pass -D${_pkg}_ROOT=<prefix>.")
  endif()
endforeach()

if(PINT_ENABLE_TESTS)
  find_package(GTest QUIET)
  if(NOT GTest_FOUND)
    message(FATAL_ERROR
      "pint: GoogleTest not found. On Debian 12 run scripts/install-deps.sh (package "
      "libgtest-dev), or configure with -DPINT_ENABLE_TESTS=OFF.")
  endif()
endif()
if(PINT_ENABLE_BENCHMARKS)
  find_package(benchmark QUIET CONFIG)
  if(NOT benchmark_FOUND)
    message(FATAL_ERROR
      "pint: Google Benchmark not found. On Debian 12 run scripts/install-deps.sh (package "
      "libbenchmark-dev), or configure with -DPINT_ENABLE_BENCHMARKS=OFF.")
  endif()
endif()
