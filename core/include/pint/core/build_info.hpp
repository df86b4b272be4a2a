// What this build of pint is: version, git revision, Kokkos, HDF5, MPI.
#pragma once

#include <string>

namespace pint::core {

struct BuildInfo {
  std::string version;         // pint's version
  std::string git_revision;    // commit the build was configured from
  std::string kokkos_version;  // e.g. "3.4.1"
  std::string backends;        // enabled Kokkos backends, comma separated
  std::string compiler;        // compiler id and version
  std::string cxx_standard;    // "17" or "20"
  std::string hdf5_version;
  bool hdf5_parallel = false;
};

const BuildInfo& build_info();

// The MPI library's own version string (MPI_Get_library_version), first line.
std::string mpi_library_version();

}  // namespace pint::core
