// The fused coarse sweep (kernels::coarse_correct) against its composition:
// propagate a copy of the input with the coarse method, then correct_fused.
// Both must give the same bits for every method, step count and ensemble size
// (full and partial blocks of members).
#include "pint/core/ensemble.hpp"
#include "pint/core/systems.hpp"
#include "pint/kernels/correction.hpp"
#include "pint/kernels/propagate.hpp"
#include "pint/kernels/sweep.hpp"

#include "../test_category.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

using namespace pint;
using Mem = test::TEST_MEMSPACE;
using Exec = test::TEST_EXECSPACE;
using View = Kokkos::View<double**, Kokkos::LayoutLeft, Mem>;
using core::Distribution;

core::EnsembleSpec spec_of(std::int64_t members) {
  core::EnsembleSpec spec;
  spec.members = members;
  spec.seed = 11;
  spec.params = {Distribution::uniform(0.5, 2.0), Distribution::uniform(0.05, 1.5)};
  spec.initial = {Distribution::uniform(-1.0, 1.0), Distribution::uniform(-1.0, 1.0)};
  return spec;
}

View filled(const char* name, size_t members, double scale, double shift) {
  View v(std::string(name), members, size_t(2));
  auto h = Kokkos::create_mirror_view(v);
  for (size_t i = 0; i < members; ++i)
    for (int c = 0; c < 2; ++c)
      h(i, c) = scale * std::sin(0.37 * static_cast<double>(i) + c) + shift;
  Kokkos::deep_copy(v, h);
  return v;
}

std::vector<double> host(const View& v) {
  std::vector<double> out;
  core::append_rows(v, out);
  return out;
}

struct Case {
  kernels::Method method;
  std::int64_t steps;
};

TEST(TEST_CATEGORY, coarse_correct_equals_propagate_then_correct_bitwise) {
  for (std::int64_t M : {1, 31, 1003}) {
    const auto spec = spec_of(M);
    const auto ens = core::make_ensemble<core::Oscillator, Mem>(spec, 0, M);
    const auto m = static_cast<size_t>(M);
    for (const Case c : {Case{kernels::Method::euler, 1}, Case{kernels::Method::rk4, 10},
                         Case{kernels::Method::implicit_midpoint, 3}}) {
      const double t0 = 0.5, t1 = 1.75;
      View f = filled("f", m, 1.0, 0.1), g_old = filled("g_old", m, 0.3, 0.2);
      View u1 = filled("u", m, 0.9, 0.0), u2("u2", m, size_t(2));
      Kokkos::deep_copy(u2, u1);
      // The composition: G_new = propagate(copy of in); U = F + (G_new - G_old).
      View g_ref("g_ref", m, size_t(2));
      Kokkos::deep_copy(g_ref, ens.state);
      kernels::propagate<core::Oscillator>(Exec(), c.method, ens.params, g_ref, t0, t1, c.steps);
      const auto ref = kernels::correct_fused(Exec(), u1, f, g_ref, g_old);
      // The fused pass.
      View g_new("g_new", m, size_t(2));
      const auto got = kernels::coarse_correct<core::Oscillator>(
          Exec(), c.method, ens.params, ens.state, u2, f, g_old, g_new, t0, t1, c.steps);
      const std::string what =
          std::string(kernels::method_name(c.method)) + " on " + std::to_string(M) + " members";
      EXPECT_EQ(host(g_new), host(g_ref)) << what;
      EXPECT_EQ(host(u2), host(u1)) << what;
      EXPECT_EQ(got.max_change, ref.max_change) << what;
      EXPECT_EQ(got.max_abs, ref.max_abs) << what;
      EXPECT_GT(got.max_change, 0.0) << what;
    }
  }
}

TEST(TEST_CATEGORY, the_initial_sweep_writes_the_coarse_solution_twice) {
  const std::int64_t M = 77;
  const auto ens = core::make_ensemble<core::Oscillator, Mem>(spec_of(M), 0, M);
  View g_ref("g_ref", M, size_t(2)), u("u", M, size_t(2)), g("g", M, size_t(2)),
      unused("unused", 0, size_t(2));
  Kokkos::deep_copy(g_ref, ens.state);
  kernels::propagate<core::Oscillator>(Exec(), kernels::Method::heun, ens.params, g_ref, 0.0, 2.0,
                                       4);
  const auto r =
      kernels::coarse_correct<core::Oscillator>(Exec(), kernels::Method::heun, ens.params,
                                                ens.state, u, unused, unused, g, 0.0, 2.0, 4, true);
  EXPECT_EQ(host(u), host(g_ref));
  EXPECT_EQ(host(g), host(g_ref));
  double largest = 0;
  for (double x : host(g_ref))
    largest = std::max(largest, std::fabs(x));
  EXPECT_EQ(r.max_abs, largest);
  EXPECT_EQ(r.max_change, largest);  // u started at zero
}

TEST(TEST_CATEGORY, coarse_correct_reports_a_non_finite_input_as_infinite_change) {
  const std::int64_t M = 40;
  auto ens = core::make_ensemble<core::Oscillator, Mem>(spec_of(M), 0, M);
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), ens.state);
  h(17, 0) = std::nan("");
  Kokkos::deep_copy(ens.state, h);
  View f = filled("f", M, 1.0, 0.0), go = filled("go", M, 1.0, 0.0), u("u", M, size_t(2)),
       g("g", M, size_t(2));
  const auto r = kernels::coarse_correct<core::Oscillator>(
      Exec(), kernels::Method::euler, ens.params, ens.state, u, f, go, g, 0.0, 1.0, 1);
  EXPECT_TRUE(std::isinf(r.max_change));
  EXPECT_THROW(kernels::coarse_correct<core::Oscillator>(Exec(), kernels::Method::euler, ens.params,
                                                         ens.state, u, f, go, g, 0.0, 1.0, 0),
               std::invalid_argument);
}

}  // namespace
