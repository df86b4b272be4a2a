// The galaxy collision written in the seed's layout by every rank together.
#include "pint/core/galaxy.hpp"
#include "pint/core/systems.hpp"
#include "pint/io/galaxy_file.hpp"
#include "pint/kernels/propagate.hpp"

#include "../test_category.hpp"
#include "io_test_support.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>

namespace {

using namespace pint;
using Mem = test::TEST_MEMSPACE;
using Exec = test::TEST_EXECSPACE;

std::vector<double> read_all(hid_t file, const char* name, std::vector<hsize_t>& dims) {
  const hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
  const hid_t space = H5Dget_space(d);
  dims.assign(static_cast<size_t>(H5Sget_simple_extent_ndims(space)), 0);
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  hsize_t n = 1;
  for (hsize_t x : dims)
    n *= x;
  std::vector<double> v(n);
  H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(space);
  H5Dclose(d);
  return v;
}

TEST(TEST_CATEGORY, galaxy_file_holds_every_ranks_stars_in_the_seed_layout) {
  test::ScratchDir dir("galaxy", MPI_COMM_WORLD);
  const int size = test::world_size(), rank = test::world_rank();
  core::GalaxySetup setup;
  setup.stars = 37;
  setup.seed = 3;
  const auto spec = setup.ensemble();
  const auto [b, e] = core::block_range(setup.stars, size, rank);
  auto ens = core::make_ensemble<core::Galaxy, Mem>(spec, b, e);

  core::SolveDescription solve;
  solve.system = "galaxy";
  solve.integrator = "leapfrog";
  solve.dim = 12;
  solve.t0 = 0.0;
  solve.t1 = 2.0;
  solve.n = 200;
  solve.h = 0.01;
  solve.save_every = 20;
  for (std::int64_t m = 0; m < setup.stars; ++m)
    solve.saved_members.push_back(m);
  solve.member_offset = b;
  solve.local_members = e - b;
  solve.ensemble_size = setup.stars;
  const std::string path = dir / "galaxy.h5";
  io::GalaxyFileSink sink(path, MPI_COMM_WORLD, {{"m_host", setup.m_host}});
  kernels::SaveRequest<Mem> save{&sink, solve, kernels::saved_rows<Mem>(solve, b)};
  kernels::propagate<core::Galaxy, kernels::Leapfrog>(Exec(), ens.params, ens.state, 0.0, 2.0, 200,
                                                      &save);
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank != 0) return;

  EXPECT_EQ(dir.list(), std::vector<std::string>{"galaxy.h5"}) << "no temporary left";
  // Reference: every star in this one process.
  auto all = core::make_ensemble<core::Galaxy, Mem>(spec, 0, setup.stars);
  kernels::propagate<core::Galaxy, kernels::Leapfrog>(Exec(), all.params, all.state, 0.0, 2.0, 200);
  auto ref = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), all.state);

  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  std::vector<hsize_t> dp, dv, dn, dt;
  const auto pos = read_all(file, "pos_pt", dp), vel = read_all(file, "vel_pt", dv);
  const auto nuc = read_all(file, "pos_nuc", dn), t = read_all(file, "t", dt);
  H5Fclose(file);
  EXPECT_EQ(dp, (std::vector<hsize_t>{37, 11, 3}));
  EXPECT_EQ(dv, (std::vector<hsize_t>{37, 11, 3}));
  EXPECT_EQ(dn, (std::vector<hsize_t>{1, 11, 3}));
  ASSERT_EQ(dt, std::vector<hsize_t>{11});
  EXPECT_EQ(t.front(), 0.0);
  EXPECT_EQ(t.back(), 2.0);
  for (std::int64_t m = 0; m < setup.stars; ++m) {
    for (int i = 0; i < 3; ++i) {
      const size_t last = static_cast<size_t>((m * 11 + 10) * 3 + i);
      EXPECT_EQ(pos[last], ref(m, i)) << "star " << m;
      EXPECT_EQ(vel[last], ref(m, 6 + i)) << "star " << m;
    }
  }
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(nuc[10 * 3 + i], ref(0, 3 + i));
}

}  // namespace
