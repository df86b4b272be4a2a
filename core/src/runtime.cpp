#include "pint/core/runtime.hpp"

#include "pint/core/compat.hpp"

#include <Kokkos_Core.hpp>

#if defined(KOKKOS_ENABLE_CUDA)
#include <cuda_runtime_api.h>
#elif defined(KOKKOS_ENABLE_HIP)
#include <hip/hip_runtime_api.h>
#endif

#include <sched.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace pint::core {

namespace {

Runtime* g_current = nullptr;

// The cores the ranks of `node` may run on: the union of their affinity masks
// (every core of the node where they are not bound). Collective over `node`.
int node_cores(MPI_Comm node) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) CPU_ZERO(&set);
  MPI_Allreduce(MPI_IN_PLACE, &set, static_cast<int>(sizeof(set)), MPI_BYTE, MPI_BOR, node);
  const int count = CPU_COUNT(&set);
  return count > 0 ? count : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// A positive integer from an environment value, or 0 when absent or malformed.
int positive_int(const char* text) {
  if (text == nullptr || *text == '\0') return 0;
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  if (*end != '\0' || v <= 0 || v > 1 << 20) return 0;
  return static_cast<int>(v);
}

int world_rank() {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  int rank = 0;
  if (initialized && !finalized) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

[[noreturn]] void terminate_handler() {
  std::string what = "terminated without an active exception";
  if (auto eptr = std::current_exception()) {
    try {
      std::rethrow_exception(eptr);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
      what = "unknown exception";
    }
  }
  abort_job("fatal error: " + what);
}

}  // namespace

int threads_per_rank(const char* slurm_cpus_per_task, const char* omp_num_threads, int node_cores,
                     int ranks_on_node) {
  if (const int n = positive_int(slurm_cpus_per_task)) return n;
  if (const int n = positive_int(omp_num_threads)) return n;
  return std::max(1, node_cores / std::max(1, ranks_on_node));
}

int device_for_rank(int node_rank, int visible, std::optional<int> user_choice) {
  if (visible <= 0) return -1;
  if (user_choice) {
    if (*user_choice < 0 || *user_choice >= visible) {
      throw std::invalid_argument("device " + std::to_string(*user_choice) +
                                  " does not exist: this node has " + std::to_string(visible) +
                                  " visible devices; choose 0.." + std::to_string(visible - 1));
    }
    return *user_choice;
  }
  return node_rank % visible;
}

std::vector<std::string> kokkos_backends() {
  std::vector<std::string> names;
#if defined(KOKKOS_ENABLE_SERIAL)
  names.emplace_back("Serial");
#endif
#if defined(KOKKOS_ENABLE_OPENMP)
  names.emplace_back("OpenMP");
#endif
#if defined(KOKKOS_ENABLE_THREADS)
  names.emplace_back("Threads");
#endif
#if defined(KOKKOS_ENABLE_CUDA)
  names.emplace_back("Cuda");
#endif
#if defined(KOKKOS_ENABLE_HIP)
  names.emplace_back("HIP");
#endif
#if defined(KOKKOS_ENABLE_SYCL)
  names.emplace_back("SYCL");
#endif
  return names;
}

int visible_devices() {
  int count = 0;
#if defined(KOKKOS_ENABLE_CUDA)
  if (cudaGetDeviceCount(&count) != cudaSuccess) count = 0;
#elif defined(KOKKOS_ENABLE_HIP)
  if (hipGetDeviceCount(&count) != hipSuccess) count = 0;
#endif
  return count;
}

Runtime::Runtime(int& argc, char**& argv, RuntimeOptions options) {
  if (g_current != nullptr) {
    throw std::logic_error("pint::core::Runtime: only one runtime may exist at a time");
  }
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &thread_level_);
    owns_mpi_ = true;
  } else {
    MPI_Query_thread(&thread_level_);
  }
  std::set_terminate(terminate_handler);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);

  MPI_Comm_rank(MPI_COMM_WORLD, &placement_.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, placement_.rank, MPI_INFO_NULL,
                      &node_comm_);
  MPI_Comm_rank(node_comm_, &placement_.node_rank);
  MPI_Comm_size(node_comm_, &placement_.node_ranks);
  std::array<char, MPI_MAX_PROCESSOR_NAME> host{};
  int len = 0;
  MPI_Get_processor_name(host.data(), &len);
  placement_.host.assign(host.data(), static_cast<size_t>(len));
  placement_.node_cores = node_cores(node_comm_);

  placement_.threads =
      options.threads
          ? std::max(1, *options.threads)
          : threads_per_rank(std::getenv("SLURM_CPUS_PER_TASK"), std::getenv("OMP_NUM_THREADS"),
                             placement_.node_cores, placement_.node_ranks);
  placement_.device = device_for_rank(placement_.node_rank, visible_devices(), options.device);
#if !defined(KOKKOS_ENABLE_OPENMP) && !defined(KOKKOS_ENABLE_THREADS)
  placement_.threads = 1;  // host backends without threads run on one
#endif

  if (!Kokkos::is_initialized()) {
    compat::InitSettings settings;
    settings.num_threads = placement_.threads;
    settings.device_id = placement_.device;
    compat::initialize_kokkos(settings);
  }
  g_current = this;
}

std::string oversubscribed(const std::vector<Placement>& ranks) {
  struct Node {
    int ranks = 0, threads = 0, cores = 0;
  };
  std::map<std::string, Node> nodes;
  for (const Placement& p : ranks) {
    Node& n = nodes[p.host];
    ++n.ranks;
    n.threads += p.threads;
    n.cores = p.node_cores;
  }
  for (const auto& [host, n] : nodes) {
    if (n.threads <= n.cores) continue;
    return std::to_string(n.ranks) + " ranks x " + std::to_string(n.threads / n.ranks) +
           " thread(s) on " + std::to_string(n.cores) + " core(s) of host " + host;
  }
  return {};
}

Runtime::~Runtime() {
  g_current = nullptr;
  if (Kokkos::is_initialized()) Kokkos::finalize();
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) {
    if (node_comm_ != MPI_COMM_NULL) MPI_Comm_free(&node_comm_);
    if (owns_mpi_) MPI_Finalize();
  }
}

Runtime* Runtime::current() {
  return g_current;
}

std::vector<Placement> Runtime::placements() const {
  struct Packed {
    int values[6];
    char host[MPI_MAX_PROCESSOR_NAME];
  };
  Packed mine{};
  mine.values[0] = placement_.rank;
  mine.values[1] = placement_.node_rank;
  mine.values[2] = placement_.node_ranks;
  mine.values[3] = placement_.device;
  mine.values[4] = placement_.threads;
  mine.values[5] = placement_.node_cores;
  std::strncpy(mine.host, placement_.host.c_str(), sizeof(mine.host) - 1);
  std::vector<Packed> all(static_cast<size_t>(size_));
  MPI_Allgather(&mine, sizeof(Packed), MPI_BYTE, all.data(), sizeof(Packed), MPI_BYTE,
                MPI_COMM_WORLD);
  std::vector<Placement> out;
  out.reserve(all.size());
  for (const Packed& p : all) {
    out.push_back(Placement{p.values[0], std::string(p.host), p.values[1], p.values[2], p.values[3],
                            p.values[4], p.values[5]});
  }
  return out;
}

std::string Runtime::describe() const {
  std::ostringstream os;
  for (const Placement& p : placements()) {
    os << "rank " << p.rank << ": host " << p.host << ", node rank " << p.node_rank << "/"
       << p.node_ranks << ", device "
       << (p.device < 0 ? std::string("none") : std::to_string(p.device)) << ", threads "
       << p.threads << ", node cores " << p.node_cores << "\n";
  }
  return os.str();
}

void abort_job(const std::string& message, int exit_code) {
  std::cerr << "pint: rank " << world_rank() << ": " << message << std::endl;
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized) MPI_Abort(MPI_COMM_WORLD, exit_code);
  std::_Exit(exit_code);
}

}  // namespace pint::core
