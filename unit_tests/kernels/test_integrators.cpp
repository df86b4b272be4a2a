#include "pint/core/ensemble.hpp"
#include "pint/core/exact.hpp"
#include "pint/core/galaxy.hpp"
#include "pint/core/systems.hpp"
#include "pint/core/time_grid.hpp"
#include "pint/kernels/propagate.hpp"

#include "../test_category.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace pint;
using core::Distribution;
using core::Oscillator;
using core::VanDerPol;
using Mem = test::TEST_MEMSPACE;
using Exec = test::TEST_EXECSPACE;
using View2 = Kokkos::View<double**, Kokkos::LayoutLeft, Mem>;

// The kernel tests run under both member-to-work-item mappings on every
// backend: host blocks of lanes and the GPU's one member per work item, so
// the GPU code path runs on every CI run. Test names carry the mapping:
// by_mapping/member_blocks.* and by_mapping/one_member_per_item.*.
template <class Mapping>
class by_mapping : public ::testing::Test {};
using Mappings = ::testing::Types<kernels::MemberBlocks, kernels::OneMemberPerItem>;
struct MappingName {
  template <class Mapping>
  static std::string GetName(int) {
    return Mapping::name();
  }
};
TYPED_TEST_SUITE(by_mapping, Mappings, MappingName);

// Members per block of the host mapping: ensembles sized from it have full
// blocks and a remainder under MemberBlocks, whichever mapping runs them.
constexpr std::int64_t L = kernels::host_lanes();

// Members with (omega0, zeta, q0, p0) given on the host.
struct Members {
  View2 params, state;
};
Members oscillators(const std::vector<std::array<double, 4>>& m) {
  Members out{View2("params", m.size(), 2), View2("state", m.size(), 2)};
  auto p = Kokkos::create_mirror_view(out.params);
  auto s = Kokkos::create_mirror_view(out.state);
  for (size_t i = 0; i < m.size(); ++i) {
    p(i, 0) = m[i][0];
    p(i, 1) = m[i][1];
    s(i, 0) = m[i][2];
    s(i, 1) = m[i][3];
  }
  Kokkos::deep_copy(out.params, p);
  Kokkos::deep_copy(out.state, s);
  return out;
}

std::vector<double> host_copy(const View2& v) {
  std::vector<double> out;
  core::append_rows(v, out);
  return out;
}

// A solve of n steps over [t0, t1] saving every m-th step of the members
// `saved`, all of them written by this process.
core::SolveDescription saving_solve(int dim, double t0, double t1, std::int64_t n, std::int64_t m,
                                    std::vector<std::int64_t> saved) {
  core::SolveDescription s;
  s.dim = dim;
  s.t0 = t0;
  s.t1 = t1;
  s.n = n;
  s.save_every = m;
  s.local_members = static_cast<std::int64_t>(saved.size());
  s.saved_members = std::move(saved);
  return s;
}

// Under-, critically and over-damped members, each a different initial state.
const std::vector<std::array<double, 4>> kRegimes = {
    {1.0, 0.3, 1.0, 0.5}, {2.0, 1.0, -0.5, 1.0}, {1.5, 2.5, 0.8, -0.3}};

template <class M, class Map>
std::vector<double> oscillator_errors(double T, std::int64_t n) {
  Members m = oscillators(kRegimes);
  kernels::propagate<Oscillator, M, Map>(Exec(), m.params, m.state, 0.0, T, n);
  const auto y = host_copy(m.state);
  std::vector<double> err;
  for (size_t i = 0; i < kRegimes.size(); ++i) {
    const auto& r = kRegimes[i];
    const auto e = core::oscillator_exact(r[0], r[1], r[2], r[3], T);
    err.push_back(std::max(std::fabs(y[2 * i] - e[0]), std::fabs(y[2 * i + 1] - e[1])));
  }
  return err;
}

template <class M, class Map>
void expect_observed_order(double expected, std::int64_t n0) {
  const double T = 2.0;
  std::vector<std::vector<double>> errors;
  for (int j = 0; j <= 4; ++j)
    errors.push_back(oscillator_errors<M, Map>(T, n0 << j));  // h halved 4 times
  for (size_t i = 0; i < kRegimes.size(); ++i) {
    std::printf("%s, %s, member %zu (zeta %g): observed orders", M::name(), Map::name(), i,
                kRegimes[i][1]);
    for (int j = 0; j < 4; ++j)
      std::printf(" %.3f", std::log2(errors[j][i] / errors[j + 1][i]));
    std::printf("\n");
    for (int j = 0; j < 4; ++j) {
      const double order = std::log2(errors[j][i] / errors[j + 1][i]);
      EXPECT_NEAR(order, expected, 0.15)
          << M::name() << " member " << i << " halving " << j << ": errors " << errors[j][i]
          << " -> " << errors[j + 1][i];
    }
  }
}

TEST(TEST_CATEGORY, closed_forms_satisfy_the_ode_and_initial_state) {
  for (const auto& r : kRegimes) {
    const auto y0 = core::oscillator_exact(r[0], r[1], r[2], r[3], 0.0);
    EXPECT_NEAR(y0[0], r[2], 1e-15);
    EXPECT_NEAR(y0[1], r[3], 1e-15);
    for (double t : {0.3, 1.7, 4.0}) {
      const double d = 1e-5;
      const auto a = core::oscillator_exact(r[0], r[1], r[2], r[3], t - d);
      const auto b = core::oscillator_exact(r[0], r[1], r[2], r[3], t + d);
      const auto y = core::oscillator_exact(r[0], r[1], r[2], r[3], t);
      EXPECT_NEAR((b[0] - a[0]) / (2 * d), y[1], 1e-8);  // q' = p
      const double accel = -2 * r[1] * r[0] * y[1] - r[0] * r[0] * y[0];
      EXPECT_NEAR((b[1] - a[1]) / (2 * d), accel, 1e-8);  // p' = -2 zeta omega0 p - omega0^2 q
    }
  }
  // The three cases join continuously at zeta = 1.
  const auto c = core::oscillator_exact(1.3, 1.0, 0.7, -0.2, 2.0);
  const auto u = core::oscillator_exact(1.3, 1.0 - 1e-7, 0.7, -0.2, 2.0);
  const auto o = core::oscillator_exact(1.3, 1.0 + 1e-7, 0.7, -0.2, 2.0);
  EXPECT_NEAR(u[0], c[0], 1e-6);
  EXPECT_NEAR(o[0], c[0], 1e-6);
}

TYPED_TEST(by_mapping, forward_euler_is_first_order) {
  expect_observed_order<kernels::ForwardEuler, TypeParam>(1, 400);
}
TYPED_TEST(by_mapping, heun_is_second_order) {
  expect_observed_order<kernels::Heun, TypeParam>(2, 40);
}
TYPED_TEST(by_mapping, rk4_is_fourth_order) {
  expect_observed_order<kernels::RK4, TypeParam>(4, 20);
}
TYPED_TEST(by_mapping, implicit_midpoint_is_second_order) {
  expect_observed_order<kernels::ImplicitMidpoint, TypeParam>(2, 40);
}
TYPED_TEST(by_mapping, backward_euler_is_first_order) {
  expect_observed_order<kernels::BackwardEuler, TypeParam>(1, 400);
}

core::EnsembleSpec varied_oscillators(std::int64_t members) {
  core::EnsembleSpec spec;
  spec.members = members;
  spec.seed = 7;
  spec.params = {Distribution::uniform(0.5, 2.0), Distribution::uniform(0.0, 1.5)};
  spec.initial = {Distribution::linspace(-1.0, 1.0), Distribution::uniform(-0.5, 0.5)};
  return spec;
}

// Ensemble sizes around the host block: one member, a block short of one,
// exactly one, one more, and several blocks with a remainder.
const std::vector<std::int64_t> kSizes = {1, L - 1, L, L + 1, 3 * L + 5};

// Every member of ensembles of every size in kSizes (the first members of one
// spec) equals the same member advanced alone, bit for bit: full vector blocks,
// the remainder path and single-member runs agree.
template <class M, class Map>
void expect_ensemble_equals_single_runs() {
  const auto spec = varied_oscillators(kSizes.back());
  std::vector<double> alone;
  for (std::int64_t i = 0; i < spec.members; ++i) {
    auto one = core::make_ensemble<Oscillator, Mem>(spec, i, i + 1);
    kernels::propagate<Oscillator, M, Map>(Exec(), one.params, one.state, 0.0, 3.0, 257);
    core::append_rows(one.state, alone);
  }
  for (const std::int64_t size : kSizes) {
    auto all = core::make_ensemble<Oscillator, Mem>(spec, 0, size);
    kernels::propagate<Oscillator, M, Map>(Exec(), all.params, all.state, 0.0, 3.0, 257);
    const auto together = host_copy(all.state);
    for (std::int64_t i = 0; i < size; ++i) {
      for (int c = 0; c < 2; ++c) {
        const double a = together[2 * i + c], b = alone[2 * i + c];
        EXPECT_EQ(std::memcmp(&a, &b, sizeof(double)), 0)
            << M::name() << ", " << Map::name() << ", " << size << " members: member " << i
            << " component " << c << ": " << a << " vs " << b;
      }
    }
  }
}

TYPED_TEST(by_mapping, ensemble_members_equal_single_member_runs_bitwise) {
  expect_ensemble_equals_single_runs<kernels::ForwardEuler, TypeParam>();
  expect_ensemble_equals_single_runs<kernels::Heun, TypeParam>();
  expect_ensemble_equals_single_runs<kernels::RK4, TypeParam>();
  expect_ensemble_equals_single_runs<kernels::ImplicitMidpoint, TypeParam>();
  expect_ensemble_equals_single_runs<kernels::BackwardEuler, TypeParam>();
}

// The two mappings give every member the same bits, for every method, on a
// linear and a nonlinear system, at every ensemble size of kSizes.
template <class S, class M>
void expect_same_bits_under_both_mappings(const core::EnsembleSpec& spec, double T,
                                          std::int64_t n) {
  for (const std::int64_t size : kSizes) {
    auto blocks = core::make_ensemble<S, Mem>(spec, 0, size);
    auto items = core::make_ensemble<S, Mem>(spec, 0, size);
    kernels::propagate<S, M, kernels::MemberBlocks>(Exec(), blocks.params, blocks.state, 0.0, T, n);
    kernels::propagate<S, M, kernels::OneMemberPerItem>(Exec(), items.params, items.state, 0.0, T,
                                                        n);
    const auto a = host_copy(blocks.state), b = host_copy(items.state);
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0)
        << S::name() << ", " << M::name() << ", " << size << " members";
    EXPECT_NE(a, host_copy(core::make_ensemble<S, Mem>(spec, 0, size).state)) << "nothing moved";
  }
}

TEST(TEST_CATEGORY, both_mappings_give_every_member_the_same_bits) {
  const auto osc = varied_oscillators(kSizes.back());
  core::EnsembleSpec vdp;
  vdp.members = kSizes.back();
  vdp.seed = 3;
  vdp.params = {Distribution::uniform(0.2, 2.0)};
  vdp.initial = {Distribution::linspace(-2.0, 2.0), Distribution::uniform(-1.0, 1.0)};
  for (const auto method : {kernels::Method::euler, kernels::Method::heun, kernels::Method::rk4,
                            kernels::Method::implicit_midpoint, kernels::Method::backward_euler}) {
    kernels::with_method(method, [&](auto m) {
      expect_same_bits_under_both_mappings<Oscillator, decltype(m)>(osc, 3.0, 101);
      expect_same_bits_under_both_mappings<VanDerPol, decltype(m)>(vdp, 2.0, 101);
    });
  }
  core::GalaxySetup galaxy;
  galaxy.stars = kSizes.back();
  galaxy.seed = 5;
  expect_same_bits_under_both_mappings<core::Galaxy, kernels::Leapfrog>(galaxy.ensemble(), 1.0, 50);
}

TYPED_TEST(by_mapping, implicit_midpoint_stays_bounded_where_euler_blows_up) {
  // omega0 dT = 2.5 and 3: forward Euler's amplification is sqrt(1 + (omega0 dT)^2) > 2.
  for (double dT : {2.5, 3.0}) {
    Members im = oscillators({{1.0, 0.0, 1.0, 0.0}, {1.0, 0.1, 1.0, 0.0}});
    Members fe = oscillators({{1.0, 0.0, 1.0, 0.0}, {1.0, 0.1, 1.0, 0.0}});
    const std::int64_t n = 40;
    kernels::propagate<Oscillator, kernels::ImplicitMidpoint, TypeParam>(Exec(), im.params,
                                                                         im.state, 0.0, n * dT, n);
    kernels::propagate<Oscillator, kernels::ForwardEuler, TypeParam>(Exec(), fe.params, fe.state,
                                                                     0.0, n * dT, n);
    const auto a = host_copy(im.state), b = host_copy(fe.state);
    // Undamped: implicit midpoint conserves q^2 + p^2 (omega0 = 1) up to rounding.
    EXPECT_NEAR(a[0] * a[0] + a[1] * a[1], 1.0, 1e-12) << "dT = " << dT;
    EXPECT_LT(a[2] * a[2] + a[3] * a[3], 1.0) << "damped member must decay, dT = " << dT;
    EXPECT_GT(std::hypot(b[0], b[1]), 1e10) << "forward Euler should blow up at dT = " << dT;
  }
}

TYPED_TEST(by_mapping, van_der_pol_matches_a_fine_rk4_reference) {
  const double T = 4.0;
  auto run = [&](auto method, std::int64_t n) {
    Kokkos::View<double**, Kokkos::LayoutLeft, Mem> params("mu", 3, 1), state("y", 3, 2);
    auto p = Kokkos::create_mirror_view(params);
    auto s = Kokkos::create_mirror_view(state);
    const double mu[3] = {0.5, 1.0, 2.0};
    for (int i = 0; i < 3; ++i) {
      p(i, 0) = mu[i];
      s(i, 0) = 2.0;
      s(i, 1) = 0.0;
    }
    Kokkos::deep_copy(params, p);
    Kokkos::deep_copy(state, s);
    kernels::propagate<VanDerPol, decltype(method), TypeParam>(Exec(), params, state, 0.0, T, n);
    return host_copy(state);
  };
  const auto ref = run(kernels::RK4{}, 40000);  // h = 1e-4
  auto max_err = [&](const std::vector<double>& y) {
    double e = 0;
    for (size_t i = 0; i < y.size(); ++i)
      e = std::max(e, std::fabs(y[i] - ref[i]));
    return e;
  };
  EXPECT_LT(max_err(run(kernels::RK4{}, 400)), 1e-6);
  EXPECT_LT(max_err(run(kernels::Heun{}, 400)), 2e-3);
  EXPECT_LT(max_err(run(kernels::ImplicitMidpoint{}, 400)), 2e-3);
  EXPECT_LT(max_err(run(kernels::ForwardEuler{}, 4000)), 2e-2);
  // Observed orders on the nonlinear system (Newton-solved implicit midpoint too).
  auto order = [&](auto method, std::int64_t n) {
    return std::log2(max_err(run(method, n)) / max_err(run(method, 2 * n)));
  };
  EXPECT_NEAR(order(kernels::RK4{}, 200), 4.0, 0.15);
  EXPECT_NEAR(order(kernels::Heun{}, 400), 2.0, 0.15);
  EXPECT_NEAR(order(kernels::ImplicitMidpoint{}, 400), 2.0, 0.15);
  EXPECT_NEAR(order(kernels::ForwardEuler{}, 4000), 1.0, 0.15);
}

// A sink that keeps everything it is given.
struct RecordingSink : core::TrajectorySink {
  core::SolveDescription solve;
  std::vector<double> times, rows;
  std::vector<std::int64_t> firsts;
  bool committed = false, abandoned = false;
  int fail_after_writes = -1;
  void begin(const core::SolveDescription& s) override { solve = s; }
  void write(std::int64_t first, std::int64_t count, const double* t, const double* r) override {
    if (fail_after_writes == 0) throw std::runtime_error("injected sink failure");
    --fail_after_writes;
    firsts.push_back(first);
    times.insert(times.end(), t, t + count);
    rows.insert(rows.end(), r, r + count * solve.local_members * solve.dim);
  }
  void commit() override { committed = true; }
  void abandon() noexcept override { abandoned = true; }
};

TYPED_TEST(by_mapping, saved_rows_are_the_states_at_save_points) {
  core::EnsembleSpec spec;
  spec.members = 40;
  spec.params = {Distribution::linspace(0.5, 1.5), Distribution::constant(0.2)};
  spec.initial = {Distribution::constant(1.0), Distribution::constant(0.0)};
  auto ens = core::make_ensemble<Oscillator, Mem>(spec, 10, 40);  // a block: members 10..39

  // Steps 0 5 10 15 20 23; this block writes members 12, 17, 39 of the saved ones.
  core::SolveDescription solve = saving_solve(2, 1.0, 2.5, 23, 5, {3, 12, 17, 39});
  solve.system = "oscillator";
  solve.integrator = "rk4";
  solve.member_offset = 1;
  solve.local_members = 3;
  solve.ensemble_size = 40;
  ASSERT_EQ(solve.saved_steps(), 6);

  RecordingSink sink;
  kernels::SaveRequest<Mem> save{&sink, solve, kernels::saved_rows<Mem>(solve, ens.begin)};
  kernels::propagate<Oscillator, kernels::RK4, TypeParam>(Exec(), ens.params, ens.state, 1.0, 2.5,
                                                          23, &save);
  EXPECT_TRUE(sink.committed);
  EXPECT_FALSE(sink.abandoned);
  ASSERT_EQ(sink.times.size(), 6u);
  ASSERT_EQ(sink.rows.size(), 6u * 3 * 2);
  EXPECT_EQ(sink.times.front(), 1.0);
  EXPECT_EQ(sink.times.back(), 2.5);

  // Reference: the same members advanced piecewise to each save point.
  const std::int64_t members[3] = {12, 17, 39};
  const std::int64_t steps[6] = {0, 5, 10, 15, 20, 23};
  const double dt = 1.5 / 23;
  for (int j = 0; j < 3; ++j) {
    auto one = core::make_ensemble<Oscillator, Mem>(spec, members[j], members[j] + 1);
    std::int64_t at = 0;
    for (int s = 0; s < 6; ++s) {
      kernels::advance<Oscillator, kernels::RK4, TypeParam>(Exec(), one.params, one.state, 1.0, dt,
                                                            at, steps[s] - at);
      at = steps[s];
      const auto y = host_copy(one.state);
      for (int c = 0; c < 2; ++c) {
        EXPECT_EQ(sink.rows[(s * 3 + j) * 2 + c], y[c]) << "saved step " << s << " member " << j;
      }
      EXPECT_DOUBLE_EQ(sink.times[s], 1.0 + steps[s] * dt);
    }
  }
}

// A sink that lends its own buffer, two rows at a time at most.
struct LendingSink : RecordingSink {
  std::vector<double> lent_rows, lent_times;
  RowSpan lent;
  std::int64_t next = 0, spans = 0;
  RowSpan next_rows(std::int64_t max_count) override {
    const std::int64_t n = std::min<std::int64_t>(max_count, 1 + spans++ % 2);
    lent_rows.assign(static_cast<size_t>(n * solve.local_members * solve.dim), -1.0);
    lent_times.assign(static_cast<size_t>(n), -1.0);
    lent = {next, n, lent_times.data(), lent_rows.data()};
    return lent;
  }
  void filled(std::int64_t count) override {
    write(lent.first, count, lent.times, lent.rows);
    next += count;
  }
};

TYPED_TEST(by_mapping, a_lending_sink_gets_the_same_rows_as_write) {
  core::EnsembleSpec spec;
  spec.members = 3 * L + 3;
  spec.params = {Distribution::linspace(0.5, 1.5), Distribution::constant(0.2)};
  spec.initial = {Distribution::constant(1.0), Distribution::constant(0.0)};
  std::vector<std::int64_t> every_third;
  for (std::int64_t i = 0; i < spec.members; i += 3)
    every_third.push_back(i);
  const auto solve = saving_solve(2, 0.0, 2.0, 37, 4, every_third);
  RecordingSink copied;
  LendingSink lending;
  for (core::TrajectorySink* sink : {static_cast<core::TrajectorySink*>(&copied),
                                     static_cast<core::TrajectorySink*>(&lending)}) {
    auto ens = core::make_ensemble<Oscillator, Mem>(spec, 0, spec.members);
    kernels::SaveRequest<Mem> save{sink, solve, kernels::saved_rows<Mem>(solve, 0)};
    kernels::propagate<Oscillator, kernels::RK4, TypeParam>(Exec(), ens.params, ens.state, 0.0, 2.0,
                                                            37, &save);
  }
  EXPECT_GT(lending.spans, 3);
  EXPECT_TRUE(lending.committed);
  EXPECT_EQ(lending.times, copied.times);
  EXPECT_EQ(lending.rows, copied.rows);
  EXPECT_EQ(static_cast<std::int64_t>(lending.times.size()), solve.saved_steps());
}

// Saved members given as a contiguous range take a store path of their own
// (whole blocks copied at once), others an index; both must give the states at
// the save points bit for bit, through write() and through lent buffers, for
// ranges that cover whole blocks, cut blocks at either end, or reach into the
// last, partial block (blocks of the host mapping; under one member per work
// item every member is a whole block of one).
TYPED_TEST(by_mapping, saved_ranges_and_subsets_are_the_states_at_save_points) {
  const std::int64_t B = L, M = 3 * B + 5;
  core::EnsembleSpec spec;
  spec.members = M;
  spec.params = {Distribution::linspace(0.5, 1.5), Distribution::linspace(0.0, 0.4)};
  spec.initial = {Distribution::linspace(-1.0, 1.0), Distribution::constant(0.25)};
  const std::int64_t n = 29, m = 4;
  const double t0 = 0.5, t1 = 2.0, dt = (t1 - t0) / static_cast<double>(n);

  // Reference: the whole ensemble advanced piecewise to every save point.
  const core::SolveDescription base = saving_solve(2, t0, t1, n, m, {});
  std::vector<std::vector<double>> at_save;
  {
    auto ens = core::make_ensemble<Oscillator, Mem>(spec, 0, M);
    std::int64_t step = 0;
    for (std::int64_t s = 0; s < base.saved_steps(); ++s) {
      kernels::advance<Oscillator, kernels::RK4, TypeParam>(Exec(), ens.params, ens.state, t0, dt,
                                                            step, base.step_of(s) - step);
      step = base.step_of(s);
      at_save.push_back(host_copy(ens.state));
    }
  }

  const auto range = [](std::int64_t a, std::int64_t b) {
    std::vector<std::int64_t> v;
    for (std::int64_t i = a; i < b; ++i)
      v.push_back(i);
    return v;
  };
  std::vector<std::int64_t> every_third;
  for (std::int64_t i = 1; i < M; i += 3)
    every_third.push_back(i);
  const std::vector<std::vector<std::int64_t>> subsets = {
      range(0, M), range(B, 3 * B), range(B / 2, M - 2), range(3 * B + 1, M), every_third, {5}};
  for (const auto& saved : subsets) {
    const auto solve = saving_solve(2, t0, t1, n, m, saved);
    RecordingSink copied;
    LendingSink lending;
    for (RecordingSink* sink : {&copied, static_cast<RecordingSink*>(&lending)}) {
      auto ens = core::make_ensemble<Oscillator, Mem>(spec, 0, M);
      kernels::SaveRequest<Mem> save{sink, solve, kernels::saved_rows<Mem>(solve, 0)};
      kernels::propagate<Oscillator, kernels::RK4, TypeParam>(Exec(), ens.params, ens.state, t0, t1,
                                                              n, &save);
      ASSERT_EQ(static_cast<std::int64_t>(sink->times.size()), solve.saved_steps());
      ASSERT_EQ(sink->rows.size(), sink->times.size() * saved.size() * 2);
      for (std::int64_t s = 0; s < solve.saved_steps(); ++s) {
        for (size_t j = 0; j < saved.size(); ++j) {
          for (int c = 0; c < 2; ++c) {
            ASSERT_EQ(sink->rows[(static_cast<size_t>(s) * saved.size() + j) * 2 + c],
                      at_save[static_cast<size_t>(s)][static_cast<size_t>(saved[j]) * 2 + c])
                << "saved members " << saved.front() << ".." << saved.back() << " (" << saved.size()
                << "), saved step " << s << ", row " << j << ", component " << c;
          }
        }
      }
      // The state left behind is the final one, for every member.
      EXPECT_EQ(host_copy(ens.state), at_save.back());
    }
  }
}

TYPED_TEST(by_mapping, a_failing_sink_is_abandoned) {
  Members m = oscillators({{1.0, 0.1, 1.0, 0.0}});
  const auto solve = saving_solve(2, 0.0, 1.0, 10, 1, {0});
  RecordingSink sink;
  sink.fail_after_writes = 0;
  kernels::SaveRequest<Mem> save{&sink, solve, kernels::saved_rows<Mem>(solve, 0)};
  EXPECT_THROW((kernels::propagate<Oscillator, kernels::Heun, TypeParam>(Exec(), m.params, m.state,
                                                                         0.0, 1.0, 10, &save)),
               std::runtime_error);
  EXPECT_TRUE(sink.abandoned);
  EXPECT_FALSE(sink.committed);
}

// A Kepler orbit of eccentricity 0.5 (GM = 1, semi-major axis 1, period 2 pi),
// starting at pericentre.
std::pair<View2, View2> kepler_orbit() {
  View2 params("gm", 1, 1), state("y", 1, 6);
  auto p = Kokkos::create_mirror_view(params);
  auto s = Kokkos::create_mirror_view(state);
  p(0, 0) = 1.0;
  for (int c = 0; c < 6; ++c)
    s(0, c) = 0.0;
  s(0, 0) = 0.5;
  s(0, 4) = std::sqrt(3.0);
  Kokkos::deep_copy(params, p);
  Kokkos::deep_copy(state, s);
  return {params, state};
}

double kepler_energy(const double* y) {
  return 0.5 * (y[3] * y[3] + y[4] * y[4] + y[5] * y[5]) -
         1.0 / std::sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
}

template <class M, class Map>
std::vector<double> kepler_energy_errors(int orbits, std::int64_t steps_per_orbit) {
  auto [params, state] = kepler_orbit();
  const auto solve =
      saving_solve(6, 0.0, orbits * 2 * M_PI, orbits * steps_per_orbit, steps_per_orbit / 8, {0});
  RecordingSink sink;
  kernels::SaveRequest<Mem> save{&sink, solve, kernels::saved_rows<Mem>(solve, 0)};
  kernels::propagate<core::Kepler, M, Map>(Exec(), params, state, solve.t0, solve.t1, solve.n,
                                           &save);
  std::vector<double> err;
  const double e0 = kepler_energy(&sink.rows[0]);  // -0.5
  for (size_t s = 0; s < sink.times.size(); ++s)
    err.push_back(std::fabs(kepler_energy(&sink.rows[6 * s]) - e0));
  return err;
}

TYPED_TEST(by_mapping, leapfrog_energy_stays_bounded_on_a_kepler_orbit) {
  const int orbits = 60;
  const auto lf = kepler_energy_errors<kernels::Leapfrog, TypeParam>(orbits, 400);
  const auto rk = kepler_energy_errors<kernels::RK4, TypeParam>(orbits, 400);
  auto window_max = [](const std::vector<double>& e, size_t from, size_t to) {
    return *std::max_element(e.begin() + static_cast<std::ptrdiff_t>(from),
                             e.begin() + static_cast<std::ptrdiff_t>(to));
  };
  const size_t per_orbit = 8, n = lf.size();
  const double lf_early = window_max(lf, 1, 10 * per_orbit),
               lf_late = window_max(lf, n - 10 * per_orbit, n);
  const double rk_early = rk[10 * per_orbit], rk_late = rk[n - 1];
  std::printf(
      "energy error, orbits 0-10 vs 50-60: leapfrog %.3e vs %.3e; rk4 at 10 %.3e, at 60 %.3e\n",
      lf_early, lf_late, rk_early, rk_late);
  EXPECT_LT(lf_late, 1.2 * lf_early) << "leapfrog's energy error must not grow";
  EXPECT_LT(lf_late, 1e-2);
  EXPECT_GT(rk_late, 4.0 * rk_early) << "RK4's energy error drifts (the contrast the test shows)";
}

TYPED_TEST(by_mapping, leapfrog_is_second_order_on_a_kepler_orbit) {
  // After one period the orbit returns to its start.
  auto error = [](std::int64_t n) {
    auto [params, state] = kepler_orbit();
    kernels::propagate<core::Kepler, kernels::Leapfrog, TypeParam>(Exec(), params, state, 0.0,
                                                                   2 * M_PI, n);
    const auto y = host_copy(state);
    return std::hypot(std::hypot(y[0] - 0.5, y[1]), std::hypot(y[3], y[4] - std::sqrt(3.0)));
  };
  for (std::int64_t n : {800, 1600, 3200})
    EXPECT_NEAR(std::log2(error(n) / error(2 * n)), 2.0, 0.15) << n;
}

TYPED_TEST(by_mapping, galaxy_disc_and_nucleus) {
  core::GalaxySetup setup;
  setup.stars = 3 * L + 7;
  setup.seed = 5;
  const auto spec = setup.ensemble();
  auto ens = core::make_ensemble<core::Galaxy, Mem>(spec, 0, setup.stars);
  const auto y0 = host_copy(ens.state);
  for (std::int64_t i = 0; i < setup.stars; ++i) {
    const double* y = &y0[12 * i];
    const double d[3] = {y[0] - y[3], y[1] - y[4], y[2] - y[5]};
    const double w[3] = {y[6] - y[9], y[7] - y[10], y[8] - y[11]};
    const double r = std::hypot(d[0], d[1], d[2]), v = std::hypot(w[0], w[1], w[2]);
    ASSERT_GE(r, setup.disc_inner - 1e-12);
    ASSERT_LE(r, setup.disc_outer + 1e-12);
    const double s2 = r * r + setup.a_nucleus * setup.a_nucleus;
    EXPECT_NEAR(v * v, setup.m_nucleus * r * r / (s2 * std::sqrt(s2)), 1e-12);  // circular
    EXPECT_NEAR(d[0] * w[0] + d[1] * w[1] + d[2] * w[2], 0.0, 1e-12);           // tangential
  }
  kernels::propagate<core::Galaxy, kernels::Leapfrog, TypeParam>(Exec(), ens.params, ens.state, 0.0,
                                                                 3.0, 300);
  const auto y1 = host_copy(ens.state);
  for (std::int64_t i = 1; i < setup.stars; ++i) {
    for (int c = 3; c < 6; ++c)
      ASSERT_EQ(y1[12 * i + c], y1[c]) << "nucleus copy of star " << i;
    for (int c = 9; c < 12; ++c)
      ASSERT_EQ(y1[12 * i + c], y1[c]) << "nucleus copy of star " << i;
  }
  EXPECT_NE(y1[3], y0[3]) << "the nucleus moved";
}

TYPED_TEST(by_mapping, leapfrog_is_refused_for_systems_that_are_not_separable) {
  Members m = oscillators({{1.0, 0.1, 1.0, 0.0}});
  try {
    kernels::propagate<Oscillator, TypeParam>(Exec(), kernels::Method::leapfrog, m.params, m.state,
                                              0.0, 1.0, 10);
    FAIL() << "leapfrog accepted for the oscillator";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("separable"), std::string::npos) << e.what();
  }
}

TEST(TEST_CATEGORY, methods_are_chosen_by_name) {
  EXPECT_EQ(kernels::parse_method("rk4"), kernels::Method::rk4);
  EXPECT_STREQ(kernels::method_name(kernels::Method::implicit_midpoint), "implicit-midpoint");
  try {
    kernels::parse_method("rk5");
    FAIL() << "rk5 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("accepted: euler, heun, rk4"), std::string::npos);
  }
}

TEST(TEST_CATEGORY, ensembles_do_not_depend_on_the_block_split) {
  core::EnsembleSpec spec;
  spec.members = 1001;
  spec.seed = 42;
  spec.params = {Distribution::linspace(0.5, 2.0), Distribution::uniform(0.0, 1.0)};
  spec.initial = {Distribution::constant(1.0), Distribution::uniform(-1.0, 1.0)};
  auto whole = host_copy(core::make_ensemble<Oscillator, Mem>(spec, 0, spec.members).params);
  for (int parts : {2, 3, 7}) {
    for (int part = 0; part < parts; ++part) {
      const auto [b, e] = core::block_range(spec.members, parts, part);
      const auto block = host_copy(core::make_ensemble<Oscillator, Mem>(spec, b, e).params);
      for (std::int64_t i = b; i < e; ++i) {
        EXPECT_EQ(block[2 * (i - b)], whole[2 * i]);
        EXPECT_EQ(block[2 * (i - b) + 1], whole[2 * i + 1]);
      }
    }
  }
  EXPECT_EQ(spec.param(0, 0), 0.5);
  EXPECT_EQ(spec.param(1000, 0), 2.0);
  for (std::int64_t i = 0; i < spec.members; ++i) {
    const double z = spec.param(i, 1);
    ASSERT_GE(z, 0.0);
    ASSERT_LT(z, 1.0);
  }
  core::EnsembleSpec other = spec;
  other.seed = 43;
  EXPECT_NE(other.param(5, 1), spec.param(5, 1));
  // Bad input names what is wrong.
  core::EnsembleSpec bad = spec;
  bad.params[1] = Distribution::uniform(1.0, 1.0);
  EXPECT_THROW(bad.validate(2, 2), std::invalid_argument);
  bad = spec;
  bad.params[0] = Distribution::constant(std::nan(""));
  EXPECT_THROW(bad.validate(2, 2), std::invalid_argument);
  bad = spec;
  bad.members = 0;
  EXPECT_THROW(bad.validate(2, 2), std::invalid_argument);
}

TEST(TEST_CATEGORY, time_grid_follows_the_seed) {
  const auto t = core::linspace(0.0, 15.0, 20);
  ASSERT_EQ(t.size(), 20u);
  EXPECT_EQ(t.back(), 15.0);
  EXPECT_EQ(t[1], 15.0 / 19.0);
  EXPECT_EQ(core::steps_for(t[0], t[1], 0.01), 79);  // ceil(78.947...)
  EXPECT_EQ(core::steps_for(0.0, 1.0, 0.25), 4);
  EXPECT_EQ(core::steps_for(0.0, 1.0, 5.0), 1);
  EXPECT_THROW(core::steps_for(0.0, 1.0, 0.0), std::invalid_argument);
  EXPECT_THROW(core::steps_for(0.0, 1.0, std::nan("")), std::invalid_argument);
}

}  // namespace

namespace {

// RK4's s + 2k: (k + k) + s on cores with add pipes of their own, fma(2, k, s)
// elsewhere; both round 2k + s once (k + k is exact), so every build gives the
// same bits. Checked on values of every scale and sign, subnormals and
// cancellations included.
TEST(TEST_CATEGORY, plus_twice_has_the_bits_of_one_fma_either_way) {
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> mantissa(-1.0, 1.0);
  std::uniform_int_distribution<int> exponent(-1060, 1000);
  for (int i = 0; i < 200000; ++i) {
    const double k = std::ldexp(mantissa(gen), exponent(gen));
    const double s = i % 4 == 0 ? -2 * k * (1 + 0x1p-40 * mantissa(gen))  // near cancellation
                                : std::ldexp(mantissa(gen), exponent(gen));
    const double adds = (k + k) + s, fused = std::fma(2.0, k, s);
    ASSERT_EQ(std::memcmp(&adds, &fused, sizeof(double)), 0) << "k = " << k << ", s = " << s;
    const double used = kernels::Impl::plus_twice(k, s);
    ASSERT_EQ(std::memcmp(&used, &fused, sizeof(double)), 0) << "k = " << k << ", s = " << s;
  }
}

}  // namespace
