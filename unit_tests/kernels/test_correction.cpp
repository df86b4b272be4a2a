#include "pint/kernels/correction.hpp"

#include "../test_category.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using Mem = pint::test::TEST_MEMSPACE;
using Exec = pint::test::TEST_EXECSPACE;
using View = Kokkos::View<double**, Kokkos::LayoutLeft, Mem>;

View filled(const char* name, size_t members, double scale, double shift) {
  View v(std::string(name), members, size_t(2));
  auto h = Kokkos::create_mirror_view(v);
  for (size_t i = 0; i < members; ++i)
    for (int c = 0; c < 2; ++c)
      h(i, c) = scale * std::sin(0.37 * i + c) + shift;
  Kokkos::deep_copy(v, h);
  return v;
}

TEST(TEST_CATEGORY, fused_correction_equals_the_kokkos_kernels_composition_bitwise) {
  const size_t M = 1003;
  View f = filled("f", M, 1.0, 0.1), gn = filled("gn", M, 0.3, 0.2),
       go = filled("go", M, 0.29, 0.2);
  View u1 = filled("u", M, 0.9, 0.0), u2("u2", M, size_t(2)), w("w", M, size_t(2)),
       d("d", M, size_t(2));
  Kokkos::deep_copy(u2, u1);
  // A real copy (a host mirror of a host view would alias it).
  Kokkos::View<double**, Kokkos::LayoutLeft, Kokkos::HostSpace> before("before", M, size_t(2));
  Kokkos::deep_copy(before, u1);
  const auto a = pint::kernels::correct_fused(Exec(), u1, f, gn, go);
  const auto b = pint::kernels::correct_composed(Exec(), u2, f, gn, go, w, d);
  EXPECT_EQ(a.max_change, b.max_change);
  EXPECT_EQ(a.max_abs, b.max_abs);
  auto h1 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), u1);
  auto h2 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), u2);
  auto hf = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f);
  auto hn = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), gn);
  auto ho = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), go);
  double change = 0;
  for (size_t i = 0; i < M; ++i)
    for (int c = 0; c < 2; ++c) {
      const double expected = hf(i, c) + (hn(i, c) - ho(i, c));  // F + (G_new - G_old)
      ASSERT_EQ(h1(i, c), expected);
      ASSERT_EQ(h2(i, c), expected);
      change = std::max(change, std::fabs(expected - before(i, c)));
    }
  EXPECT_EQ(a.max_change, change);
  // Unchanged inputs give exactly zero change and reproduce F.
  Kokkos::deep_copy(go, gn);
  pint::kernels::correct_fused(Exec(), u1, f, gn, go);  // u1 = f exactly now
  const auto again = pint::kernels::correct_fused(Exec(), u1, f, gn, go);
  EXPECT_EQ(again.max_change, 0.0);
}

TEST(TEST_CATEGORY, a_non_finite_value_makes_the_change_infinite) {
  for (double poison : {std::nan(""), HUGE_VAL, -HUGE_VAL}) {
    const size_t M = 77;
    View f = filled("f", M, 1.0, 0.0), gn = filled("gn", M, 1.0, 0.0);
    View go = filled("go", M, 1.0, 0.0), u = filled("u", M, 1.0, 0.0);
    auto h = Kokkos::create_mirror_view(f);
    Kokkos::deep_copy(h, f);
    h(53, 1) = poison;
    Kokkos::deep_copy(f, h);
    const auto c = pint::kernels::correct_fused(Exec(), u, f, gn, go);
    EXPECT_TRUE(std::isinf(c.max_change)) << poison;
    EXPECT_FALSE(c.max_change < 1e-4) << "a NaN must never pass for convergence";
  }
}

}  // namespace
