// parareal + io: the stitched trajectory of a parareal run against the
// sequential fine run's, both streamed through the HDF5 sink.
#include "pint/core/ensemble.hpp"
#include "pint/core/runtime.hpp"
#include "pint/core/systems.hpp"
#include "pint/core/time_grid.hpp"
#include "pint/io/stitch.hpp"
#include "pint/io/trajectory_sink.hpp"
#include "pint/parareal/solver.hpp"

#include "../io/io_test_support.hpp"
#include "../test_category.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>

namespace {

using namespace pint;
using Mem = test::TEST_MEMSPACE;
using Exec = test::TEST_EXECSPACE;

std::vector<double> read_data(const std::string& path) {
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, "data", H5P_DEFAULT);
  const hid_t space = H5Dget_space(d);
  const auto n = static_cast<size_t>(H5Sget_simple_extent_npoints(space));
  std::vector<double> v(n);
  H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(space);
  H5Dclose(d);
  H5Fclose(f);
  return v;
}

// Runs parareal with every fine solve streamed to `dir`, stitches the final
// iteration's files on rank 0 and returns the stitched data (rank 0 only).
std::vector<double> parareal_trajectory(const test::ScratchDir& dir, const core::EnsembleSpec& spec,
                                        const std::vector<double>& t, parareal::Options opt) {
  const int N = static_cast<int>(t.size()) - 1;
  parareal::Decomposition dec(MPI_COMM_WORLD, N, spec.members, 0, 1);
  auto ens = core::make_ensemble<core::Oscillator, Mem>(spec, 0, spec.members);
  io::Hdf5TrajectorySink sink(dir.path());
  opt.sink = &sink;
  const auto r = parareal::solve<core::Oscillator>(Exec(), dec, ens, t, opt);
  std::vector<int> iterations(static_cast<size_t>(N), 0);
  for (size_t i = 0; i < r.owned_slices.size(); ++i)
    iterations[static_cast<size_t>(r.owned_slices[i])] = r.fine_iteration[i];
  MPI_Allreduce(MPI_IN_PLACE, iterations.data(), N, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  std::vector<double> data;
  if (test::world_rank() == 0) {
    data =
        read_data(io::write_stitched(dir.path(), io::final_slice_files(dir.path(), t, iterations)));
  }
  MPI_Barrier(MPI_COMM_WORLD);
  return data;
}

TEST(TEST_CATEGORY, stitched_parareal_trajectory_equals_the_sequential_fine_one) {
  core::EnsembleSpec spec;
  spec.members = 21;
  spec.seed = 9;
  spec.params = {core::Distribution::uniform(0.5, 1.5), core::Distribution::uniform(0.1, 1.2)};
  spec.initial = {core::Distribution::constant(1.0), core::Distribution::uniform(-1.0, 1.0)};
  const auto t = core::linspace(0.0, 4.0, 5);  // 4 slices
  parareal::Options opt;
  opt.fine = {kernels::Method::rk4, 0.05, 0};
  opt.coarse = {kernels::Method::euler, 0.0, 1};
  opt.save_every = 3;
  opt.system_name = "oscillator";
  for (std::int64_t m = 0; m < spec.members; m += 2)
    opt.saved_members.push_back(m);

  // The sequential fine run, one file per slice (iteration 0), stitched.
  test::ScratchDir seq_dir("seq", MPI_COMM_WORLD);
  std::vector<double> sequential;
  if (test::world_rank() == 0) {
    auto ens = core::make_ensemble<core::Oscillator, Mem>(spec, 0, spec.members);
    io::Hdf5TrajectorySink sink(seq_dir.path());
    core::SolveDescription d;
    d.system = "oscillator";
    d.integrator = "rk4";
    d.dim = 2;
    d.h = 0.05;
    d.save_every = opt.save_every;
    d.saved_members = opt.saved_members;
    d.local_members = static_cast<std::int64_t>(opt.saved_members.size());
    d.ensemble_size = spec.members;
    parareal::solve_sequential<core::Oscillator>(Exec(), ens, t, opt.fine, &sink, &d);
    sequential = read_data(
        io::write_stitched(seq_dir.path(), io::final_slice_files(seq_dir.path(), t, {0})));
  }

  // Run to k = N: bit for bit.
  test::ScratchDir exact_dir("exact", MPI_COMM_WORLD);
  opt.tolerance = 0.0;
  const auto exact = parareal_trajectory(exact_dir, spec, t, opt);
  // Converged by the tolerance: within it.
  test::ScratchDir conv_dir("converged", MPI_COMM_WORLD);
  opt.tolerance = 1e-6;
  const auto converged = parareal_trajectory(conv_dir, spec, t, opt);
  if (test::world_rank() != 0) return;
  ASSERT_FALSE(sequential.empty());
  ASSERT_EQ(exact.size(), sequential.size());
  EXPECT_EQ(exact, sequential) << "parareal to k = N must give the fine trajectory bit for bit";
  ASSERT_EQ(converged.size(), sequential.size());
  double err = 0;
  for (size_t j = 0; j < sequential.size(); ++j)
    err = std::max(err, std::fabs(converged[j] - sequential[j]));
  EXPECT_LT(err, 1e-6);
  std::printf("stitched trajectory: %zu values; converged run within %.2e of the fine one\n",
              sequential.size(), err);
}

}  // namespace
