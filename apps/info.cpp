#include "info.hpp"

#include "pint/core/build_info.hpp"
#include "system_list.hpp"

#include <Kokkos_Core.hpp>

#include <iostream>

namespace pint::apps {

nlohmann::json info_json(const pint::core::Runtime& rt) {
  const auto& b = pint::core::build_info();
  nlohmann::json j;
  j["pint"] = {{"version", b.version}, {"git", b.git_revision}};
  j["kokkos"] = {{"version", b.kokkos_version},
                 {"backends", pint::core::kokkos_backends()},
                 {"default_execution_space", Kokkos::DefaultExecutionSpace::name()},
                 {"visible_devices", pint::core::visible_devices()}};
  j["compiler"] = {{"id", b.compiler}, {"cxx_standard", b.cxx_standard}};
  j["mpi"] = {{"library", pint::core::mpi_library_version()},
              {"ranks", rt.size()},
              {"thread_level", rt.mpi_thread_level()}};
  j["hdf5"] = {{"version", b.hdf5_version}, {"parallel", b.hdf5_parallel}};
  nlohmann::json names = nlohmann::json::array();
  for (const auto& s : systems())
    names.push_back(s.name);
  j["systems"] = names;
  nlohmann::json map = nlohmann::json::array();
  for (const auto& p : rt.placements()) {
    map.push_back({{"rank", p.rank},
                   {"host", p.host},
                   {"node_rank", p.node_rank},
                   {"device", p.device},
                   {"threads", p.threads},
                   {"node_cores", p.node_cores}});
  }
  j["ranks"] = map;
  return j;
}

void print_info_text(const nlohmann::json& j) {
  std::cout << "pint " << j["pint"]["version"].get<std::string>() << " (git "
            << j["pint"]["git"].get<std::string>() << ")\n"
            << "Kokkos " << j["kokkos"]["version"].get<std::string>() << ", backends:";
  for (const auto& b : j["kokkos"]["backends"])
    std::cout << " " << b.get<std::string>();
  std::cout << ", default execution space "
            << j["kokkos"]["default_execution_space"].get<std::string>() << ", visible devices "
            << j["kokkos"]["visible_devices"].get<int>() << "\n"
            << "compiler " << j["compiler"]["id"].get<std::string>() << ", C++"
            << j["compiler"]["cxx_standard"].get<std::string>() << "\n"
            << "MPI " << j["mpi"]["library"].get<std::string>() << ", "
            << j["mpi"]["ranks"].get<int>() << " rank(s)\n"
            << "HDF5 " << j["hdf5"]["version"].get<std::string>()
            << (j["hdf5"]["parallel"].get<bool>() ? " (parallel, MPI-IO)" : " (serial)") << "\n"
            << "systems:";
  for (const auto& s : j["systems"])
    std::cout << " " << s.get<std::string>();
  std::cout << "\n";
  for (const auto& r : j["ranks"]) {
    const int dev = r["device"].get<int>();
    std::cout << "rank " << r["rank"].get<int>() << ": host " << r["host"].get<std::string>()
              << ", device " << (dev < 0 ? std::string("none") : std::to_string(dev))
              << ", threads " << r["threads"].get<int>() << "\n";
  }
}

}  // namespace pint::apps
