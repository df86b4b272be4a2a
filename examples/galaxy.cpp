// The galaxy collision of the parallel-HDF5 seed: stars split over the MPI ranks
// (and over threads or GPU threads inside a rank), advanced with leapfrog, every
// rank writing its stars into one file through MPI-IO (pos_pt, vel_pt, pos_nuc,
// vel_nuc), as the seed's challenge asks.
//
//   mpiexec -n 2 build/default/examples/pint_galaxy --stars 1000 --output output/galaxy
//   /usr/bin/python3 scripts/galaxy_animation.py output/galaxy/galaxy.h5
#include "pint/core/galaxy.hpp"
#include "pint/core/runtime.hpp"
#include "pint/core/systems.hpp"
#include "pint/core/time_grid.hpp"
#include "pint/io/galaxy_file.hpp"
#include "pint/kernels/propagate.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>

int main(int argc, char** argv) {
  using namespace pint;
  core::Runtime runtime(argc, argv);
  CLI::App app{"pint_galaxy: an infalling galaxy colliding with a host galaxy (leapfrog, MPI-IO)"};
  core::GalaxySetup setup;
  double t1 = 30.0, h = 0.01;
  std::int64_t save_every = 20;
  std::string output = "output/galaxy", method = "leapfrog";
  bool overwrite = false;
  app.add_option("--stars", setup.stars, "Stars in the infalling galaxy's disc")
      ->check(CLI::PositiveNumber);
  app.add_option("--seed", setup.seed, "Seed of the disc's random radii and angles");
  app.add_option("--t1", t1, "End time (from 0)")->check(CLI::PositiveNumber);
  app.add_option("--h", h, "Step size")->check(CLI::PositiveNumber);
  app.add_option("--save-every", save_every, "Save every m-th step")->check(CLI::PositiveNumber);
  app.add_option("--method", method, "Integrator (leapfrog, rk4, ...)");
  app.add_option("--output", output, "Output directory (galaxy.h5 goes there)");
  app.add_flag("--overwrite", overwrite, "Replace an existing galaxy.h5");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return runtime.rank() == 0 ? app.exit(e) : (e.get_exit_code() == 0 ? 0 : 2);
  }
  namespace fs = std::filesystem;
  const std::string path = (fs::path(output) / "galaxy.h5").string();
  int refuse = 0;
  if (runtime.rank() == 0) {
    refuse = fs::exists(path) && !overwrite;
    if (refuse) {
      std::fprintf(stderr,
                   "pint_galaxy: error: --output: %s exists; pass --overwrite to replace it\n",
                   path.c_str());
    } else {
      fs::create_directories(output);
    }
  }
  MPI_Bcast(&refuse, 1, MPI_INT, 0, runtime.world());
  if (refuse) return 2;
  {
    using Exec = Kokkos::DefaultExecutionSpace;
    const auto spec = setup.ensemble();
    const auto [b, e] = core::block_range(setup.stars, runtime.size(), runtime.rank());
    auto ens = core::make_ensemble<core::Galaxy, Exec::memory_space>(spec, b, e);
    core::SolveDescription solve;
    solve.system = "galaxy";
    solve.integrator = method;
    solve.dim = core::Galaxy::dim;
    solve.t0 = 0.0;
    solve.t1 = t1;
    solve.h = h;
    solve.n = core::steps_for(0.0, t1, h);
    solve.save_every = save_every;
    for (std::int64_t m = 0; m < setup.stars; ++m)
      solve.saved_members.push_back(m);
    solve.member_offset = b;
    solve.local_members = e - b;
    solve.ensemble_size = setup.stars;
    io::GalaxyFileSink sink(path, runtime.world(),
                            {{"m_host", setup.m_host},
                             {"a_host", setup.a_host},
                             {"m_nucleus", setup.m_nucleus},
                             {"a_nucleus", setup.a_nucleus},
                             {"seed", static_cast<std::int64_t>(setup.seed)}});
    kernels::SaveRequest<Exec::memory_space> save{
        &sink, solve, kernels::saved_rows<Exec::memory_space>(solve, b)};
    const double start = MPI_Wtime();
    kernels::propagate<core::Galaxy>(Exec(), kernels::parse_method(method), ens.params, ens.state,
                                     0.0, t1, solve.n, &save);
    const double mine = MPI_Wtime() - start;
    std::vector<double> all(static_cast<size_t>(runtime.size()));
    MPI_Gather(&mine, 1, MPI_DOUBLE, all.data(), 1, MPI_DOUBLE, 0, runtime.world());
    if (runtime.rank() == 0) {
      for (int r = 0; r < runtime.size(); ++r)
        std::printf("rank %d: simulating its stars took %.3f s\n", r, all[static_cast<size_t>(r)]);
      std::printf("%lld stars, %lld steps of %g, %lld time points: wrote %s\n",
                  static_cast<long long>(setup.stars), static_cast<long long>(solve.n), h,
                  static_cast<long long>(solve.saved_steps()), path.c_str());
    }
  }
  return 0;
}
