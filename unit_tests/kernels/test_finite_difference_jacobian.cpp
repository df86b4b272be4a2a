// Systems without jacobian(): the implicit methods use central finite
// differences of rhs() and keep their orders; a system that opts out is refused.
#include "pint/core/ensemble.hpp"
#include "pint/core/system_traits.hpp"
#include "pint/core/systems.hpp"
#include "pint/kernels/propagate.hpp"

#include "../test_category.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

// Outside the unnamed namespace: nvcc warns about its unused static members.
namespace fd_test {

// Van der Pol as a user would write it without its Jacobian.
struct VanDerPolNoJacobian {
  static constexpr int dim = 2;
  static constexpr int num_params = 1;
  static constexpr int num_coefs = 1;
  static const char* name() { return "vanderpol-fd"; }
  static const char* param_name(int) { return "mu"; }
  static const char* state_name(int i) { return i == 0 ? "x" : "v"; }
  KOKKOS_INLINE_FUNCTION static pint::core::Vec<1> coefficients(const pint::core::Vec<1>& p) {
    return p;
  }
  KOKKOS_INLINE_FUNCTION static pint::core::Vec<2> rhs(const pint::core::Vec<1>& c, double t,
                                                       const pint::core::Vec<2>& y) {
    return pint::core::VanDerPol::rhs(c, t, y);
  }
};

// The same, refusing the finite-difference Jacobian.
struct VanDerPolNoDerivatives : VanDerPolNoJacobian {
  static constexpr bool finite_difference_jacobian = false;
};

}  // namespace fd_test

namespace {

using namespace pint;
using Mem = test::TEST_MEMSPACE;
using Exec = test::TEST_EXECSPACE;
using View2 = Kokkos::View<double**, Kokkos::LayoutLeft, Mem>;
using fd_test::VanDerPolNoDerivatives;
using fd_test::VanDerPolNoJacobian;

static_assert(core::is_system_v<VanDerPolNoJacobian>);
static_assert(!core::has_jacobian_v<VanDerPolNoJacobian>);
static_assert(core::has_jacobian_v<core::VanDerPol>);
static_assert(core::has_any_jacobian_v<VanDerPolNoJacobian>);
static_assert(!core::has_any_jacobian_v<VanDerPolNoDerivatives>);
static_assert(!core::is_linear_v<VanDerPolNoJacobian> && core::is_linear_v<core::Oscillator>);
static_assert(core::rhs_flops_v<VanDerPolNoJacobian> == 0 &&
              core::rhs_flops_v<core::Oscillator> == 3);

// Members mu = 0.5, 1, 2 from (2, 0), advanced n steps over [0, T] by method M.
template <class System, class M>
std::vector<double> van_der_pol(double T, std::int64_t n) {
  View2 params("mu", 3, 1), state("y", 3, 2);
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
  kernels::propagate<System, M>(Exec(), params, state, 0.0, T, n);
  std::vector<double> out;
  core::append_rows(state, out);
  return out;
}

double max_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double e = 0;
  for (size_t i = 0; i < a.size(); ++i)
    e = std::max(e, std::fabs(a[i] - b[i]));
  return e;
}

// Observed orders of M on Van der Pol without its Jacobian, h halved 3 times
// from T / n0, against an RK4 reference of h = 1e-4.
template <class M>
void expect_order_without_jacobian(double expected, std::int64_t n0) {
  const double T = 4.0;
  const auto ref = van_der_pol<core::VanDerPol, kernels::RK4>(T, 40000);
  std::vector<double> errors;
  for (int j = 0; j <= 3; ++j) {
    const auto fd = van_der_pol<VanDerPolNoJacobian, M>(T, n0 << j);
    const auto exact_jacobian = van_der_pol<core::VanDerPol, M>(T, n0 << j);
    errors.push_back(max_difference(fd, ref));
    // Newton converges to the same step with either Jacobian.
    EXPECT_LT(max_difference(fd, exact_jacobian), 1e-11) << M::name() << " n = " << (n0 << j);
  }
  std::printf("%s without a Jacobian on Van der Pol: observed orders", M::name());
  for (int j = 0; j < 3; ++j)
    std::printf(" %.3f", std::log2(errors[j] / errors[j + 1]));
  std::printf("\n");
  for (int j = 0; j < 3; ++j) {
    EXPECT_NEAR(std::log2(errors[j] / errors[j + 1]), expected, 0.15)
        << M::name() << " halving " << j << ": errors " << errors[j] << " -> " << errors[j + 1];
  }
}

TEST(TEST_CATEGORY, finite_difference_jacobian_matches_the_analytic_one) {
  const core::Vec<1> c{{1.5}};
  for (const auto& y :
       {core::Vec<2>{{2.0, 0.0}}, core::Vec<2>{{-0.7, 1.3}}, core::Vec<2>{{1e-3, -40.0}}}) {
    double fd[2][2], exact[2][2];
    core::finite_difference_jacobian<VanDerPolNoJacobian>(c, 0.0, y, fd);
    core::VanDerPol::jacobian(c, 0.0, y, exact);
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j)
        EXPECT_NEAR(fd[i][j], exact[i][j], 1e-8 * std::max(1.0, std::fabs(exact[i][j])))
            << "J[" << i << "][" << j << "] at (" << y[0] << ", " << y[1] << ")";
  }
}

TEST(TEST_CATEGORY, backward_euler_without_jacobian_is_first_order) {
  expect_order_without_jacobian<kernels::BackwardEuler>(1.0, 4000);
}

TEST(TEST_CATEGORY, implicit_midpoint_without_jacobian_is_second_order) {
  expect_order_without_jacobian<kernels::ImplicitMidpoint>(2.0, 400);
}

TEST(TEST_CATEGORY, implicit_methods_are_refused_when_a_system_opts_out) {
  for (const auto m : {kernels::Method::implicit_midpoint, kernels::Method::backward_euler}) {
    try {
      kernels::check_method<VanDerPolNoDerivatives>(m);
      ADD_FAILURE() << kernels::method_name(m) << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("jacobian()"), std::string::npos) << e.what();
    }
  }
  kernels::check_method<VanDerPolNoDerivatives>(kernels::Method::rk4);  // explicit: fine
  kernels::check_method<VanDerPolNoJacobian>(kernels::Method::backward_euler);
}

}  // namespace
