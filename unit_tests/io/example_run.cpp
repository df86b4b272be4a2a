// Writes the files of a small run with pint::io alone (no kernels, no
// parareal): the seed's damped oscillator (omega0 = 1, zeta = 0.5, y0 = (1, 0)),
// forward Euler with h = 0.01 over three slices of [0, 6], each slice's fine
// solve streamed into its file, then trajectory.h5, combined.h5 and run.h5.
// Used by the test that opens everything with h5dump and plots it.
//
// Usage: pint_io_example_run <directory>
#include "pint/core/runtime.hpp"
#include "pint/io/file_names.hpp"
#include "pint/io/run_file.hpp"
#include "pint/io/stitch.hpp"
#include "pint/io/trajectory_sink.hpp"

#include <cmath>
#include <iostream>
#include <vector>

int main(int argc, char** argv) {
  pint::core::Runtime runtime(argc, argv);
  if (argc != 2) {
    std::cerr << "usage: pint_io_example_run <directory>\n";
    return 2;
  }
  const std::string dir = argv[1];
  const double omega0 = 1.0, zeta = 0.5, q0 = 1.0, p0 = 0.0, h = 0.01;
  const std::vector<double> boundaries = {0.0, 2.0, 4.0, 6.0};
  pint::io::check_unique_file_names(boundaries);

  pint::io::Hdf5TrajectorySink sink(dir);
  double q = q0, p = p0;
  for (int n = 0; n < 3; ++n) {
    pint::core::SolveDescription s;
    s.system = "oscillator";
    s.integrator = "euler";
    s.dim = 2;
    s.slice = n;
    s.t0 = boundaries[static_cast<size_t>(n)];
    s.t1 = boundaries[static_cast<size_t>(n) + 1];
    s.h = h;
    s.n = static_cast<std::int64_t>(std::ceil((s.t1 - s.t0) / h));
    s.save_every = 5;
    s.saved_members = {0};
    s.local_members = 1;
    s.ensemble_size = 1;
    sink.begin(s);
    const double dt = (s.t1 - s.t0) / static_cast<double>(s.n);
    std::int64_t saved = 0;
    for (std::int64_t i = 0; i <= s.n; ++i) {
      if (i == s.step_of(saved)) {
        const double t = s.time_of_step(i), row[2] = {q, p};
        sink.write(saved++, 1, &t, row);
      }
      if (i < s.n) {
        const double dq = p, dp = -2 * zeta * omega0 * p - omega0 * omega0 * q;
        q += dt * dq;
        p += dt * dp;
      }
    }
    sink.commit();
  }
  pint::io::StitchOptions options;
  options.attributes = {{"omega0", omega0}, {"zeta", zeta}, {"q0", q0}, {"p0", p0}};
  const auto result =
      pint::io::write_stitched(dir, pint::io::final_slice_files(dir, boundaries, {0}), options);
  pint::io::combine(result, dir + "/combined.h5");

  pint::io::RunRecord record;
  record.slices = 3;
  record.members = 1;
  record.dim = 2;
  record.boundary_times = boundaries;
  record.first_boundary = 3;  // this example records the final state only
  record.boundary_count = 1;
  record.local_members = 1;
  record.boundary_states = {q, p};
  record.convergence = {0.31, 0.024, 4.2e-4, 6.1e-6};
  record.phases = {"coarse", "fine"};
  record.timings = {0.01, 0.2};
  record.config = {{"omega0", omega0}, {"zeta", zeta}, {"h", h}, {"integrator", "euler"}};
  pint::io::write_run_file(dir + "/run.h5", record, runtime.world());
  std::cout << "wrote " << result << ", combined.h5 and run.h5 in " << dir << "\n";
  return 0;
}
