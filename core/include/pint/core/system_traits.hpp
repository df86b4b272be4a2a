// What a system is: the one place that says which members a system struct must
// have, which it may have, and what pint does when an optional one is absent.
//
// Required (a missing one stops compilation with one message naming it):
//
//   static constexpr int dim;            components of the state y
//   static constexpr int num_params;     per-member parameters (given by the user)
//   static constexpr int num_coefs;      what rhs() uses, derived once per member
//   static const char* name();           the name users type (--system NAME)
//   static const char* param_name(int);  the parameters' names (--param NAME=...)
//   static const char* state_name(int);  the components' names (--initial NAME=...)
//   KOKKOS_FUNCTION static Vec<num_coefs> coefficients(const Vec<num_params>& params);
//   KOKKOS_FUNCTION static Vec<dim> rhs(const Vec<num_coefs>& c, double t, const Vec<dim>& y);
//
// Optional (the default in brackets):
//
//   static constexpr bool linear;        f linear in y: one Newton step is exact [false]
//   static constexpr int rhs_flops;      flops of one rhs(), for the benchmarks [0: not counted]
//   KOKKOS_FUNCTION static void jacobian(const Vec<num_coefs>& c, double t,
//                                        const Vec<dim>& y, double J[dim][dim]);
//                                        df/dy for the implicit methods [central finite
//                                        differences of rhs(), see finite_difference_jacobian]
//   static constexpr bool finite_difference_jacobian;
//                                        false: without jacobian() the implicit methods are
//                                        refused instead [true]
//   static constexpr bool separable;     y = (q, v), q' = v, v' = a(t, q) [false]
//   KOKKOS_FUNCTION static Vec<dim / 2> acceleration(const Vec<num_coefs>& c, double t,
//                                                    const Vec<dim / 2>& q);
//                                        a, for leapfrog (needed when separable)
//   static Vec<num_params> default_params();   the pint command's defaults [none: the
//   static Vec<dim> default_initial();         user must give every value]
//
// Device functions are KOKKOS_INLINE_FUNCTION (or KOKKOS_FORCEINLINE_FUNCTION)
// static members; math functions are pint::math::sqrt/exp/fma/... (compat.hpp).
// core/systems.hpp holds pint's own systems; examples/lorenz/lorenz.hpp is one
// written outside pint.
#pragma once

#include "pint/core/compat.hpp"
#include "pint/core/vec.hpp"

#include <type_traits>
#include <utility>

namespace pint::core {

namespace Impl {

template <class S, class = void>
struct has_dim : std::false_type {};
template <class S>
struct has_dim<S, std::enable_if_t<std::is_integral_v<std::remove_cv_t<decltype(S::dim)>>>>
    : std::bool_constant<(S::dim > 0)> {};

template <class S, class = void>
struct has_num_params : std::false_type {};
template <class S>
struct has_num_params<
    S, std::enable_if_t<std::is_integral_v<std::remove_cv_t<decltype(S::num_params)>>>>
    : std::bool_constant<(S::num_params > 0)> {};

template <class S, class = void>
struct has_num_coefs : std::false_type {};
template <class S>
struct has_num_coefs<S,
                     std::enable_if_t<std::is_integral_v<std::remove_cv_t<decltype(S::num_coefs)>>>>
    : std::bool_constant<(S::num_coefs > 0)> {};

template <class S, class = void>
struct has_name : std::false_type {};
template <class S>
struct has_name<S, std::enable_if_t<std::is_convertible_v<decltype(S::name()), const char*>>>
    : std::true_type {};

template <class S, class = void>
struct has_param_name : std::false_type {};
template <class S>
struct has_param_name<
    S, std::enable_if_t<std::is_convertible_v<decltype(S::param_name(0)), const char*>>>
    : std::true_type {};

template <class S, class = void>
struct has_state_name : std::false_type {};
template <class S>
struct has_state_name<
    S, std::enable_if_t<std::is_convertible_v<decltype(S::state_name(0)), const char*>>>
    : std::true_type {};

// Checked only once num_params / num_coefs / dim exist (so a missing count gives
// one message, not one more for every function that uses it).
template <class S, class = void>
struct has_coefficients : std::false_type {};
template <class S>
struct has_coefficients<
    S,
    std::enable_if_t<std::is_same_v<
        decltype(S::coefficients(std::declval<const Vec<S::num_params>&>())), Vec<S::num_coefs>>>>
    : std::true_type {};

template <class S, class = void>
struct has_rhs : std::false_type {};
template <class S>
struct has_rhs<
    S, std::enable_if_t<std::is_same_v<decltype(S::rhs(std::declval<const Vec<S::num_coefs>&>(),
                                                       0.0, std::declval<const Vec<S::dim>&>())),
                                       Vec<S::dim>>>> : std::true_type {};

template <class S, class = void>
struct has_jacobian : std::false_type {};
template <class S>
struct has_jacobian<S,
                    std::void_t<decltype(S::jacobian(std::declval<const Vec<S::num_coefs>&>(), 0.0,
                                                     std::declval<const Vec<S::dim>&>(),
                                                     std::declval<double (&)[S::dim][S::dim]>()))>>
    : std::true_type{};

// Optional constants: the system's value, else the default.
template <class S, class = void>
struct linear_of : std::false_type {};
template <class S>
struct linear_of<S, std::void_t<decltype(S::linear)>> : std::bool_constant<S::linear> {};

template <class S, class = void>
struct separable_of : std::false_type {};
template <class S>
struct separable_of<S, std::void_t<decltype(S::separable)>> : std::bool_constant<S::separable> {};

template <class S, class = void>
struct allows_fd_of : std::true_type {};
template <class S>
struct allows_fd_of<S, std::void_t<decltype(S::finite_difference_jacobian)>>
    : std::bool_constant<S::finite_difference_jacobian> {};

template <class S, class = void>
struct rhs_flops_of : std::integral_constant<int, 0> {};
template <class S>
struct rhs_flops_of<S, std::void_t<decltype(S::rhs_flops)>>
    : std::integral_constant<int, S::rhs_flops> {};

template <class S, class = void>
struct has_default_params : std::false_type {};
template <class S>
struct has_default_params<S, std::void_t<decltype(S::default_params())>> : std::true_type {};

template <class S, class = void>
struct has_default_initial : std::false_type {};
template <class S>
struct has_default_initial<S, std::void_t<decltype(S::default_initial())>> : std::true_type {};

}  // namespace Impl

namespace Impl {
template <class S>
constexpr bool complete() {
  if constexpr (has_dim<S>::value && has_num_params<S>::value && has_num_coefs<S>::value) {
    return has_name<S>::value && has_param_name<S>::value && has_state_name<S>::value &&
           has_coefficients<S>::value && has_rhs<S>::value;
  } else {
    return false;
  }
}
}  // namespace Impl

// Every required member is present with the right shape.
template <class S>
inline constexpr bool is_system_v = Impl::complete<S>();

// Stops compilation with one message naming the first missing member of S (the
// others are reported once it is added). Returns is_system_v<S>, so callers can
// skip the code that would use S: `if constexpr (check_system<S>()) ...`.
template <class S>
constexpr bool check_system() {
  constexpr bool dim = Impl::has_dim<S>::value, params = Impl::has_num_params<S>::value,
                 coefs = Impl::has_num_coefs<S>::value;
  static_assert(dim,
                "pint: this system has no 'static constexpr int dim' (> 0): the number of "
                "components of its state (see pint/core/system_traits.hpp)");
  static_assert(!dim || params,
                "pint: this system has no 'static constexpr int num_params' (> 0): the number "
                "of per-member parameters (see pint/core/system_traits.hpp)");
  static_assert(!dim || !params || coefs,
                "pint: this system has no 'static constexpr int num_coefs' (> 0): the number "
                "of coefficients coefficients() derives from the parameters (see "
                "pint/core/system_traits.hpp)");
  if constexpr (dim && params && coefs) {
    constexpr bool name = Impl::has_name<S>::value, pname = Impl::has_param_name<S>::value,
                   sname = Impl::has_state_name<S>::value,
                   coefficients = Impl::has_coefficients<S>::value, rhs = Impl::has_rhs<S>::value;
    static_assert(name,
                  "pint: this system has no 'static const char* name()': the name users type "
                  "after --system (see pint/core/system_traits.hpp)");
    static_assert(!name || pname,
                  "pint: this system has no 'static const char* param_name(int i)': the "
                  "names of its parameters (see pint/core/system_traits.hpp)");
    static_assert(!name || !pname || sname,
                  "pint: this system has no 'static const char* state_name(int i)': the "
                  "names of its state components (see pint/core/system_traits.hpp)");
    static_assert(!name || !pname || !sname || coefficients,
                  "pint: this system has no 'KOKKOS_INLINE_FUNCTION static Vec<num_coefs> "
                  "coefficients(const Vec<num_params>&)' (see pint/core/system_traits.hpp)");
    static_assert(!name || !pname || !sname || !coefficients || rhs,
                  "pint: this system has no 'KOKKOS_INLINE_FUNCTION static Vec<dim> rhs(const "
                  "Vec<num_coefs>& c, double t, const Vec<dim>& y)': its right-hand side (see "
                  "pint/core/system_traits.hpp)");
  }
  return is_system_v<S>;
}

template <class S>
inline constexpr bool has_jacobian_v = Impl::has_jacobian<S>::value;
template <class S>
inline constexpr bool is_linear_v = Impl::linear_of<S>::value;
template <class S>
inline constexpr bool is_separable_v = Impl::separable_of<S>::value;
// The implicit methods work for S: it has jacobian(), or allows the finite-difference one.
template <class S>
inline constexpr bool has_any_jacobian_v = has_jacobian_v<S> || Impl::allows_fd_of<S>::value;
template <class S>
inline constexpr int rhs_flops_v = Impl::rhs_flops_of<S>::value;
template <class S>
inline constexpr bool has_default_params_v = Impl::has_default_params<S>::value;
template <class S>
inline constexpr bool has_default_initial_v = Impl::has_default_initial<S>::value;

// df/dy by central differences of rhs(): column j from f(y ± d e_j) with
// d = cbrt(eps) max(1, |y_j|), the step that balances truncation (O(d^2)) and
// rounding (O(eps / d)) errors: about 1e-10 relative accuracy for smooth f.
// Costs 2 dim evaluations of rhs(). The implicit methods use it only inside
// their Newton iteration, so it changes how fast Newton converges, not the
// solution it converges to (nor the method's order).
template <class S>
KOKKOS_INLINE_FUNCTION void finite_difference_jacobian(const Vec<S::num_coefs>& c, double t,
                                                       const Vec<S::dim>& y,
                                                       double J[S::dim][S::dim]) {
  constexpr double cbrt_eps = 6.0554544523933395e-06;  // (2^-52)^(1/3)
  for (int j = 0; j < S::dim; ++j) {
    const double d = cbrt_eps * pint::math::fmax(1.0, pint::math::fabs(y[j]));
    Vec<S::dim> plus = y, minus = y;
    plus[j] = y[j] + d;
    minus[j] = y[j] - d;
    const double width = plus[j] - minus[j];  // the step as represented
    const Vec<S::dim> fp = S::rhs(c, t, plus);
    const Vec<S::dim> fm = S::rhs(c, t, minus);
    for (int i = 0; i < S::dim; ++i)
      J[i][j] = (fp[i] - fm[i]) / width;
  }
}

// df/dy: the system's jacobian(), else finite differences.
template <class S>
KOKKOS_FORCEINLINE_FUNCTION void jacobian(const Vec<S::num_coefs>& c, double t,
                                          const Vec<S::dim>& y, double J[S::dim][S::dim]) {
  if constexpr (has_jacobian_v<S>) {
    S::jacobian(c, t, y, J);
  } else {
    finite_difference_jacobian<S>(c, t, y, J);
  }
}

}  // namespace pint::core
