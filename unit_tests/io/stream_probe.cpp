// Streams one solve of <saved steps> x <members> x 2 through the HDF5 sink and
// prints the peak resident memory (VmHWM). With --crash-after R it ends the
// process abruptly (no cleanup) after R rows, as a crash or a kill would.
//
// Usage: pint_io_stream_probe <directory> <saved steps> <members> [--crash-after R]
#include "pint/io/trajectory_sink.hpp"

#include "io_test_support.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

long status_kb(const char* key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key, 0) == 0) return std::strtol(line.c_str() + std::strlen(key), nullptr, 10);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && !(argc == 6 && std::string(argv[4]) == "--crash-after")) {
    std::cerr << "usage: pint_io_stream_probe <directory> <saved steps> <members> "
                 "[--crash-after R]\n";
    return 2;
  }
  const std::string dir = argv[1];
  const std::int64_t steps = std::atoll(argv[2]);
  const std::int64_t members = std::atoll(argv[3]);
  const std::int64_t crash_after = argc == 6 ? std::atoll(argv[5]) : -1;
  constexpr std::int64_t dim = 2, batch = 64;

  const pint::core::SolveDescription s =
      pint::test::make_solve(0, 0, 0.0, 1.0, steps - 1, 1, members, dim);

  try {
    pint::io::Hdf5TrajectorySink sink(dir);
    sink.begin(s);
    std::vector<double> rows(static_cast<std::size_t>(batch * members * dim)), times(batch);
    for (std::int64_t first = 0; first < steps; first += batch) {
      const std::int64_t count = std::min(batch, steps - first);
      for (std::int64_t i = 0; i < count; ++i) {
        times[static_cast<std::size_t>(i)] = s.time_of_step(first + i);
        for (std::int64_t j = 0; j < members * dim; ++j) {
          rows[static_cast<std::size_t>(i * members * dim + j)] =
              std::sin(0.001 * static_cast<double>(first + i) + static_cast<double>(j));
        }
      }
      sink.write(first, count, times.data(), rows.data());
      if (crash_after >= 0 && first + count >= crash_after) {
        std::cout << "crashing after " << first + count << " rows" << std::endl;
        std::_Exit(3);
      }
    }
    sink.commit();
  } catch (const std::exception& e) {
    std::cerr << "pint_io_stream_probe: " << e.what() << "\n";
    return 1;
  }
  std::cout << "VmHWM_kB " << status_kb("VmHWM:") << "\n";
  return 0;
}
