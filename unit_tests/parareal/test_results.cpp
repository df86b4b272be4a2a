// gather_boundaries / all_gather_boundaries: every boundary state of every
// member, from any decomposition (time ranks, member blocks, windows), equal to
// the sequential fine run bit for bit once parareal has run to k = N.
#include "pint/core/ensemble.hpp"
#include "pint/core/runtime.hpp"
#include "pint/core/systems.hpp"
#include "pint/core/time_grid.hpp"
#include "pint/parareal/results.hpp"
#include "pint/parareal/solver.hpp"

#include "../test_category.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace {

using namespace pint;
using Mem = test::TEST_MEMSPACE;
using Exec = test::TEST_EXECSPACE;

core::EnsembleSpec ensemble_of(std::int64_t members) {
  core::EnsembleSpec spec;
  spec.members = members;
  spec.seed = 7;
  spec.params = {core::Distribution::uniform(0.5, 2.0), core::Distribution::uniform(0.05, 1.5)};
  spec.initial = {core::Distribution::uniform(-1.0, 1.0), core::Distribution::linspace(0.0, 1.0)};
  return spec;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// Parareal to k = N with p_time time ranks and `window` slices per window; the
// gathered boundaries against the sequential fine run of all members (U_0 the
// initial states, U_1..U_N its ends).
void check_gathered(int p_time, int window) {
  const auto rt = core::Runtime::current();
  const int P = rt->size(), N = 6;
  const std::int64_t M = 7;
  const auto spec = ensemble_of(M);
  const auto times = core::linspace(0.0, 3.0, N + 1);
  parareal::Options opt;
  opt.fine = {kernels::Method::rk4, 0.01, 0};
  opt.coarse = {kernels::Method::euler, 0.0, 2};
  opt.tolerance = 0;  // k = N: every slice equals the fine run
  parareal::Decomposition dec(rt->world(), N, M, p_time, P / p_time, window);
  const auto [mb, me] = dec.member_range();
  const auto block = core::make_ensemble<core::Oscillator, Mem>(spec, mb, me);
  const auto r = parareal::solve<core::Oscillator>(Exec(), dec, block, times, opt);

  const auto all = core::make_ensemble<core::Oscillator, Mem>(spec, 0, M);
  std::vector<double> expected;
  core::append_rows(all.state, expected);  // U_0
  const auto ends = parareal::solve_sequential<core::Oscillator>(Exec(), all, times, opt.fine);
  expected.insert(expected.end(), ends.begin(), ends.end());

  const int root = P - 1;
  const auto on_root = parareal::gather_boundaries(dec, r, block, root);
  if (rt->rank() == root) {
    EXPECT_EQ(on_root.slices, N);
    EXPECT_EQ(on_root.members, M);
    EXPECT_EQ(on_root.dim, 2);
    EXPECT_TRUE(same_bits(on_root.data, expected))
        << "p_time " << p_time << ", window " << window << ": gathered on rank " << root;
    EXPECT_EQ(on_root(N, M - 1, 1), expected.back());
  } else {
    EXPECT_TRUE(on_root.empty());
  }
  const auto everywhere = parareal::all_gather_boundaries(dec, r, block);
  EXPECT_TRUE(same_bits(everywhere.data, expected))
      << "p_time " << p_time << ", window " << window << ": all-gathered on rank " << rt->rank();
}

TEST(TEST_CATEGORY, boundaries_gathered_over_time_ranks_equal_the_fine_run) {
  check_gathered(core::Runtime::current()->size(), 0);
}

TEST(TEST_CATEGORY, boundaries_gathered_over_member_blocks_and_windows_equal_the_fine_run) {
  check_gathered(1, 0);
  check_gathered(1, 3);
  if (core::Runtime::current()->size() % 2 == 0) check_gathered(2, 4);
}

TEST(TEST_CATEGORY, gather_boundaries_refuses_initial_rows_of_another_block) {
  const auto rt = core::Runtime::current();
  parareal::Decomposition dec(rt->world(), 4, 3, rt->size(), 1);
  parareal::Result r;
  r.dim = 2;
  EXPECT_THROW(parareal::gather_boundaries(dec, r, std::vector<double>(5, 0.0)),
               std::invalid_argument);
}

// append_rows grows its vector geometrically: appending N blocks reallocates
// O(log N) times, not once per block (which copied the whole history each time:
// O(N^2 M) for a sequential run of N slices).
TEST(TEST_CATEGORY, append_rows_reallocates_logarithmically_often) {
  const auto block = core::make_ensemble<core::Oscillator, Mem>(ensemble_of(1000), 0, 1000);
  std::vector<double> rows;
  int reallocations = 0;
  const double* data = nullptr;
  for (int n = 0; n < 512; ++n) {
    core::append_rows(block.state, rows);
    if (rows.data() != data) ++reallocations;
    data = rows.data();
  }
  ASSERT_EQ(rows.size(), size_t{512} * 1000 * 2);
  EXPECT_LE(reallocations, 11) << "one reallocation per doubling of 512 blocks at most";
  EXPECT_EQ(rows[2000 * 511 + 1999], rows[1999]);  // the last member's p, copied each time
}

}  // namespace
