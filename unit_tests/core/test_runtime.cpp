#include "pint/core/compat.hpp"
#include "pint/core/runtime.hpp"

#include "../test_category.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <thread>
#include <vector>

namespace {

using pint::core::device_for_rank;
using pint::core::threads_per_rank;

TEST(TEST_CATEGORY, threads_per_rank_prefers_slurm_then_omp_then_division) {
  EXPECT_EQ(threads_per_rank("6", "3", 64, 4), 6);
  EXPECT_EQ(threads_per_rank(nullptr, "3", 64, 4), 3);
  EXPECT_EQ(threads_per_rank(nullptr, nullptr, 64, 4), 16);
  EXPECT_EQ(threads_per_rank(nullptr, nullptr, 2, 3), 1);   // never zero
  EXPECT_EQ(threads_per_rank(nullptr, nullptr, 10, 3), 3);  // never oversubscribed
  // Malformed values are ignored, not trusted.
  EXPECT_EQ(threads_per_rank("", "abc", 8, 2), 4);
  EXPECT_EQ(threads_per_rank("-2", "0", 8, 2), 4);
  EXPECT_EQ(threads_per_rank("4x", "2", 8, 2), 2);
}

TEST(TEST_CATEGORY, device_for_rank_is_node_rank_modulo_visible) {
  EXPECT_EQ(device_for_rank(0, 4, std::nullopt), 0);
  EXPECT_EQ(device_for_rank(5, 4, std::nullopt), 1);
  EXPECT_EQ(device_for_rank(3, 0, std::nullopt), -1);
  EXPECT_EQ(device_for_rank(3, 4, 2), 2);
  EXPECT_THROW(device_for_rank(0, 4, 4), std::invalid_argument);
  EXPECT_THROW(device_for_rank(0, 4, -1), std::invalid_argument);
}

TEST(TEST_CATEGORY, oversubscribed_names_a_node_with_more_threads_than_cores) {
  using P = pint::core::Placement;
  // rank, host, node rank, node ranks, device, threads, node cores
  const std::vector<P> fits{{0, "a", 0, 2, -1, 2, 4}, {1, "a", 1, 2, -1, 2, 4}};
  EXPECT_EQ(pint::core::oversubscribed(fits), "");
  std::vector<P> four;
  for (int r = 0; r < 4; ++r)
    four.push_back({r, r < 2 ? "a" : "b", r % 2, 2, -1, r < 2 ? 1 : 3, 4});
  EXPECT_EQ(pint::core::oversubscribed(four), "2 ranks x 3 thread(s) on 4 core(s) of host b");
  // This run's own placements: its node's cores are those its ranks may run on.
  const auto all = pint::core::Runtime::current()->placements();
  for (const auto& p : all) {
    EXPECT_GE(p.node_cores, 1);
    EXPECT_LE(p.node_cores, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  }
}

TEST(TEST_CATEGORY, placements_agree_across_ranks) {
  auto* rt = pint::core::Runtime::current();
  ASSERT_NE(rt, nullptr);
  const auto all = rt->placements();
  ASSERT_EQ(static_cast<int>(all.size()), rt->size());
  std::set<std::pair<std::string, int>> node_slots;
  for (int r = 0; r < rt->size(); ++r) {
    EXPECT_EQ(all[r].rank, r);
    EXPECT_GE(all[r].threads, 1);
    EXPECT_LT(all[r].node_rank, all[r].node_ranks);
    EXPECT_TRUE(node_slots.insert({all[r].host, all[r].node_rank}).second)
        << "two ranks share node rank " << all[r].node_rank << " on " << all[r].host;
  }
  EXPECT_EQ(all[rt->rank()].host, rt->placement().host);
  // One line per rank, identical text everywhere.
  const std::string text = rt->describe();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), rt->size());
  int len = static_cast<int>(text.size()), max_len = 0;
  MPI_Allreduce(&len, &max_len, 1, MPI_INT, MPI_MAX, rt->world());
  EXPECT_EQ(len, max_len);
}

TEST(TEST_CATEGORY, host_threads_never_oversubscribe_the_node) {
  auto* rt = pint::core::Runtime::current();
  // The test harness sets OMP_NUM_THREADS=1 for MPI tests; without it, threads x
  // ranks on the node stays within the node's cores.
  const auto& p = rt->placement();
  if (std::getenv("OMP_NUM_THREADS") == nullptr && std::getenv("SLURM_CPUS_PER_TASK") == nullptr) {
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    EXPECT_LE(p.threads * p.node_ranks, std::max(cores, p.node_ranks));
  }
  EXPECT_EQ(Kokkos::DefaultHostExecutionSpace().concurrency() >= 1, true);
}

TEST(TEST_CATEGORY, compat_fma_rounds_once) {
  // 0.1 * 10 - 1 is exactly 2^-54 * 1 when fused, 0 when rounded twice.
  const double fused = pint::math::fma(0.1, 10.0, -1.0);
  EXPECT_EQ(fused, 5.551115123125783e-17);
  volatile double a = 0.1, b = 10.0;
  const double product = a * b;
  EXPECT_EQ(product - 1.0, 0.0);  // contraction is off: two roundings here
  EXPECT_EQ(pint::math::sqrt(2.25), 1.5);
  EXPECT_EQ(pint::math::exp(0.0), 1.0);
}

// Fills v(i) = 2 i + 1 on the test's execution space and returns the sum. Device
// lambdas live in a free function: nvcc refuses them in a TEST() body (a private
// member function of the generated test class).
double fill_and_sum(const Kokkos::View<double*, pint::test::TEST_MEMSPACE>& v) {
  const int n = static_cast<int>(v.extent(0));
  Kokkos::parallel_for(
      "pint::test::fill", Kokkos::RangePolicy<pint::test::TEST_EXECSPACE>(0, n),
      KOKKOS_LAMBDA(int i) { v(i) = pint::math::fma(2.0, i, 1.0); });
  double sum = 0;
  Kokkos::parallel_reduce(
      "pint::test::sum", Kokkos::RangePolicy<pint::test::TEST_EXECSPACE>(0, n),
      KOKKOS_LAMBDA(int i, double& s) { s += v(i); }, sum);
  return sum;
}

TEST(TEST_CATEGORY, kernels_run_on_the_default_space) {
  Kokkos::View<double*, pint::test::TEST_MEMSPACE> v("pint::test::v", 1000);
  EXPECT_EQ(fill_and_sum(v), 1000.0 * 1000.0);
}

// Run only by the CTest test core_failure_on_rank_1_is_printed_np2, which sets
// PINT_TEST_INJECT_FAILURE_ON_RANK and expects rank 1's failure in the output
// (the test main lets ranks other than 0 print their failures).
TEST(TEST_CATEGORY, injected_failure_on_one_rank) {
  const char* target = std::getenv("PINT_TEST_INJECT_FAILURE_ON_RANK");
  if (target == nullptr) GTEST_SKIP() << "PINT_TEST_INJECT_FAILURE_ON_RANK is not set";
  auto* rt = pint::core::Runtime::current();
  ASSERT_NE(rt, nullptr);
  EXPECT_NE(rt->rank(), std::atoi(target)) << "injected failure on rank " << rt->rank();
}

}  // namespace
