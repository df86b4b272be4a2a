// The process-wide runtime: MPI and Kokkos lifetime, one device per rank,
// threads per rank, and the rank -> device/threads map.
#pragma once

#include <mpi.h>

#include <optional>
#include <string>
#include <vector>

namespace pint::core {

// Where each rank runs. One entry per rank of MPI_COMM_WORLD.
struct Placement {
  int rank = 0;
  std::string host;
  int node_rank = 0;   // rank among the ranks on the same node
  int node_ranks = 1;  // ranks on that node
  int device = -1;     // device id bound to this rank, -1 on host-only backends
  int threads = 1;     // host threads Kokkos runs with on this rank
  int node_cores = 1;  // cores the ranks on that node may run on (their affinity masks' union)
};

// Whether some node runs more threads (its ranks' Kokkos threads) than it has
// cores for them, and that node's figures in words ("4 ranks x 1 thread on 2
// cores of host vm"); empty when none does.
std::string oversubscribed(const std::vector<Placement>& ranks);

struct RuntimeOptions {
  // Device for this rank; unset: node-local rank modulo visible devices.
  std::optional<int> device;
  // Host threads for this rank; unset: see threads_per_rank().
  std::optional<int> threads;
};

// Threads per rank without oversubscribing the node: SLURM_CPUS_PER_TASK, else
// OMP_NUM_THREADS, else the cores the node's ranks may run on (Placement::node_cores)
// divided by the ranks on the node (at least 1). Environment values that are not positive integers are ignored.
int threads_per_rank(const char* slurm_cpus_per_task, const char* omp_num_threads, int node_cores,
                     int ranks_on_node);

// Device bound to a rank: the user's choice if given (must be < visible), else
// node-local rank modulo visible devices; -1 when there are no devices.
int device_for_rank(int node_rank, int visible_devices, std::optional<int> user_choice);

// The enabled Kokkos backends' names, e.g. "Serial", "OpenMP", "Cuda".
std::vector<std::string> kokkos_backends();

// Devices visible to this process for the GPU backend Kokkos was built with (0 for host-only).
int visible_devices();

class Runtime {
 public:
  // Initialises MPI (thread level MPI_THREAD_MULTIPLE requested), then Kokkos
  // with this rank's device and thread count. Installs a terminate handler so
  // that an uncaught exception on any rank aborts the whole job with a message.
  Runtime(int& argc, char**& argv, RuntimeOptions options = {});
  // Finalises Kokkos, then MPI (unless MPI was initialised by someone else).
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  MPI_Comm world() const { return MPI_COMM_WORLD; }
  MPI_Comm node() const { return node_comm_; }
  int rank() const { return placement_.rank; }
  int size() const { return size_; }
  const Placement& placement() const { return placement_; }
  int mpi_thread_level() const { return thread_level_; }

  // Every rank's placement (collective over world()).
  std::vector<Placement> placements() const;
  // A table of placements, one line per rank (collective; the text is the same on all ranks).
  std::string describe() const;

  // The live runtime, or nullptr outside one.
  static Runtime* current();

 private:
  Placement placement_;
  int size_ = 1;
  int thread_level_ = 0;
  bool owns_mpi_ = false;
  MPI_Comm node_comm_ = MPI_COMM_NULL;
};

// Ends the whole job: prints "pint: rank R: <message>" to stderr and calls
// MPI_Abort. Use for errors that only one rank sees; it never hangs the others.
[[noreturn]] void abort_job(const std::string& message, int exit_code = 1);

}  // namespace pint::core
