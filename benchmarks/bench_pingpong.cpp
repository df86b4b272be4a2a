// Point-to-point latency and bandwidth between ranks 0 and 1: an MPI ping-pong.
//
//   mpiexec -n 2 --bind-to core build/default/benchmarks/pint_bench_pingpong --json net.json
//
// For each message size rank 0 sends, rank 1 sends the same bytes back; the
// one-way time is half the round trip, timed over many round trips (after a
// warm-up) and repeated; the median batch is reported. Latency is the one-way
// time of the smallest message; bandwidth the best bytes / one-way time among the
// sizes of at least 1 MiB (or the largest size). The scaling driver uses both to
// cost parareal's boundary messages and all-reduces beyond this machine.
//
// Timed with MPI_Wtime rather than Google Benchmark: the measurement needs two
// processes in lock step, which Google Benchmark's single-process loop cannot drive.
#include "pint/core/build_info.hpp"
#include "pint/core/runtime.hpp"

#include "mpi_bench.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <vector>

namespace {

// Seconds for `iterations` round trips of `bytes` between ranks 0 and 1.
double round_trips(MPI_Comm comm, int rank, std::vector<char>& buffer, int bytes,
                   std::int64_t iterations) {
  MPI_Barrier(comm);
  const double t0 = MPI_Wtime();
  for (std::int64_t i = 0; i < iterations; ++i) {
    if (rank == 0) {
      MPI_Send(buffer.data(), bytes, MPI_BYTE, 1, 0, comm);
      MPI_Recv(buffer.data(), bytes, MPI_BYTE, 1, 0, comm, MPI_STATUS_IGNORE);
    } else if (rank == 1) {
      MPI_Recv(buffer.data(), bytes, MPI_BYTE, 0, 0, comm, MPI_STATUS_IGNORE);
      MPI_Send(buffer.data(), bytes, MPI_BYTE, 0, 0, comm);
    }
  }
  double t = MPI_Wtime() - t0;
  MPI_Bcast(&t, 1, MPI_DOUBLE, 0, comm);  // rank 0's clock decides
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pint;
  core::Runtime runtime(argc, argv);
  CLI::App app{"pint_bench_pingpong: MPI point-to-point latency and bandwidth (2 ranks)"};
  std::int64_t min_bytes = 8, max_bytes = std::int64_t{32} << 20;
  double seconds = 0.2;
  int batches = 5;
  std::string json_file;
  app.add_option("--min-bytes", min_bytes, "Smallest message")->check(CLI::PositiveNumber);
  app.add_option("--max-bytes", max_bytes, "Largest message (sizes grow by 4x)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 30));
  app.add_option("--seconds", seconds, "Target time per message size")->check(CLI::PositiveNumber);
  app.add_option("--batches", batches, "Timed batches per size (median reported)")
      ->check(CLI::PositiveNumber);
  app.add_option("--json", json_file, "Also write the results to this JSON file");
  if (const auto rc = bench::parse_command_line(app, argc, argv, runtime.rank())) return *rc;
  const bool root = runtime.rank() == 0;
  if (runtime.size() < 2) {
    if (root) std::fprintf(stderr, "pint_bench_pingpong: needs 2 ranks (mpiexec -n 2)\n");
    return 2;
  }
  const MPI_Comm comm = runtime.world();
  const int rank = runtime.rank();
  std::vector<char> buffer(static_cast<size_t>(max_bytes), 1);

  nlohmann::json sizes = nlohmann::json::array();
  double latency = 0, bandwidth = 0, largest_rate = 0;
  if (root) std::printf("pint_bench_pingpong: %d ranks\n  bytes        one-way[us]   GB/s\n", 2);
  for (std::int64_t bytes = min_bytes; bytes <= max_bytes; bytes *= 4) {
    const int n = static_cast<int>(bytes);
    // Calibrate: round trips that take about seconds / batches.
    std::int64_t iterations = 4;
    double t = round_trips(comm, rank, buffer, n, iterations);
    while (t < 0.02 && iterations < (std::int64_t{1} << 30)) {
      iterations *= 4;
      t = round_trips(comm, rank, buffer, n, iterations);
    }
    iterations = std::max<std::int64_t>(
        4, static_cast<std::int64_t>(static_cast<double>(iterations) * seconds / batches / t));
    std::vector<double> one_way;
    for (int b = 0; b < batches; ++b) {
      one_way.push_back(round_trips(comm, rank, buffer, n, iterations) / (2.0 * iterations));
    }
    const double med = bench::median(one_way);
    const double rate = static_cast<double>(bytes) / med;
    if (bytes == min_bytes) latency = med;
    if (bytes >= (std::int64_t{1} << 20)) bandwidth = std::max(bandwidth, rate);
    largest_rate = rate;
    if (root)
      std::printf("  %-11lld  %11.3f  %6.3f\n", static_cast<long long>(bytes), med * 1e6,
                  rate / 1e9);
    sizes.push_back({{"bytes", bytes},
                     {"one_way_seconds", med},
                     {"one_way_seconds_all", one_way},
                     {"round_trips_per_batch", iterations},
                     {"bytes_per_second", rate}});
  }
  if (bandwidth == 0) bandwidth = largest_rate;
  if (root) {
    std::printf("  latency    %.3f us (one way, %lld bytes)\n", latency * 1e6,
                static_cast<long long>(min_bytes));
    std::printf("  bandwidth  %.3f GB/s\n", bandwidth / 1e9);
    if (!json_file.empty()) {
      const nlohmann::json j = {{"ranks", runtime.size()},
                                {"latency_seconds", latency},
                                {"bandwidth_bytes_per_second", bandwidth},
                                {"mpi_library", core::mpi_library_version()},
                                {"git", core::build_info().git_revision},
                                {"sizes", sizes}};
      std::ofstream(json_file) << j.dump(2) << "\n";
    }
  }
  return 0;
}
