// Integration methods: stateless one-step functions, composed with a system by
// the ensemble kernel. Each works on one member's state in registers.
//
//   order                 the method's order of accuracy
//   name()                the name users type
//   flops<System>()       floating-point operations of one step (0: not counted)
//   step<System>(c, t, h, y)   advance y from t to t + h
//
// Fused multiply-adds are explicit (pint::fma); the build turns implicit
// contraction off, so every code path gives the same bits.
#pragma once

#include "pint/core/compat.hpp"
#include "pint/core/system_traits.hpp"
#include "pint/core/vec.hpp"
#include "pint/kernels/lanes.hpp"

#include <stdexcept>
#include <string>

namespace pint::kernels {

using core::Vec;

namespace Impl {
// Lane l of values held component by component (x[i][l]).
template <int N, int B>
KOKKOS_FORCEINLINE_FUNCTION Vec<N> lane(const double (&x)[N][B], int l) {
  Vec<N> v;
  for (int i = 0; i < N; ++i)
    v[i] = x[i][l];
  return v;
}

// s + 2 k rounded once, with the same bits either way: one FMA, or (k + k) + s
// (k + k is exact) where the adds have pipes of their own, so that the FMA
// pipes are left to the multiplications that need them (RK4 on the oscillator:
// 16 instead of 20 FMA-pipe operations per vector, 10 adds beside them).
KOKKOS_FORCEINLINE_FUNCTION double plus_twice(double k, double s) {
  if constexpr (kernels::separate_add_pipes) {
    return (k + k) + s;
  } else {
    return pint::math::fma(2.0, k, s);
  }
}
}  // namespace Impl

// y <- y + h f(t, y)
struct ForwardEuler {
  static constexpr int order = 1;
  static const char* name() { return "euler"; }
  template <class S>
  static constexpr int flops() {
    return core::rhs_flops_v<S> + 2 * S::dim;
  }
  template <class S>
  KOKKOS_FORCEINLINE_FUNCTION static void step(const Vec<S::num_coefs>& c, double t, double h,
                                               Vec<S::dim>& y) {
    const Vec<S::dim> k = S::rhs(c, t, y);
    for (int i = 0; i < S::dim; ++i)
      y[i] = pint::math::fma(h, k[i], y[i]);
  }
};

// Heun (explicit trapezoid, RK2): y <- y + h/2 (f(t, y) + f(t + h, y + h f(t, y)))
struct Heun {
  static constexpr int order = 2;
  static const char* name() { return "heun"; }
  template <class S>
  static constexpr int flops() {
    return 2 * core::rhs_flops_v<S> + 5 * S::dim;
  }
  template <class S>
  KOKKOS_FORCEINLINE_FUNCTION static void step(const Vec<S::num_coefs>& c, double t, double h,
                                               Vec<S::dim>& y) {
    const double h2 = 0.5 * h;
    const Vec<S::dim> k1 = S::rhs(c, t, y);
    Vec<S::dim> z;
    for (int i = 0; i < S::dim; ++i)
      z[i] = pint::math::fma(h, k1[i], y[i]);
    const Vec<S::dim> k2 = S::rhs(c, t + h, z);
    for (int i = 0; i < S::dim; ++i)
      y[i] = pint::math::fma(h2, k1[i] + k2[i], y[i]);
  }
};

// Classic fourth-order Runge-Kutta.
struct RK4 {
  static constexpr int order = 4;
  static const char* name() { return "rk4"; }
  template <class S>
  static constexpr int flops() {
    return 4 * core::rhs_flops_v<S> + 13 * S::dim;  // 38 for the oscillator
  }
  template <class S>
  KOKKOS_FORCEINLINE_FUNCTION static void step(const Vec<S::num_coefs>& c, double t, double h,
                                               Vec<S::dim>& y) {
    // y <- y + h/6 s with s = (k1 + 2 k2 + 2 k3) + k4 (Impl::plus_twice), s accumulated
    // as each stage ends (the same operations in the same order, so the same
    // bits): only s and the current stage stay live, not k1, k2 and k3, which
    // saves registers (RK4 on the oscillator with 64 lanes on AVX-512: the
    // hot loop's register moves and spill reloads halve).
    constexpr int D = S::dim;
    const double h2 = 0.5 * h, h6 = h / 6.0;
    Vec<D> s = S::rhs(c, t, y);  // k1, then the running sum
    Vec<D> z;
    for (int i = 0; i < D; ++i)
      z[i] = pint::math::fma(h2, s[i], y[i]);
    Vec<D> k = S::rhs(c, t + h2, z);  // k2
    for (int i = 0; i < D; ++i) {
      s[i] = Impl::plus_twice(k[i], s[i]);
      z[i] = pint::math::fma(h2, k[i], y[i]);
    }
    k = S::rhs(c, t + h2, z);  // k3
    for (int i = 0; i < D; ++i) {
      s[i] = Impl::plus_twice(k[i], s[i]);
      z[i] = pint::math::fma(h, k[i], y[i]);
    }
    k = S::rhs(c, t + h, z);  // k4
    for (int i = 0; i < D; ++i)
      y[i] = pint::math::fma(h6, s[i] + k[i], y[i]);
  }

  // step() for the L lanes [b, b + L) of a block of B members held component by
  // component (ys[i][l] state, cs[k][l] coefficients), one stage at a time: each
  // stage is a loop over the L lanes, so the compiler emits a stage for all L
  // lanes together and the independent FMAs of their vectors interleave (lane
  // after lane, each vector's step is one long dependence chain that the
  // out-of-order core has to look far ahead past). Every lane performs step()'s
  // operations in step()'s order: the same bits.
  static constexpr bool by_stage = true;
  template <class S, int B, int L>
  KOKKOS_FORCEINLINE_FUNCTION static void step_lanes(const double (&cs)[S::num_coefs][B], int b,
                                                     double t, double h, double (&ys)[S::dim][B]) {
    constexpr int D = S::dim;
    const double h2 = 0.5 * h, h6 = h / 6.0;
    double s[D][L], z[D][L];
    PINT_SIMD
    for (int l = 0; l < L; ++l) {
      const Vec<D> k = S::rhs(Impl::lane<S::num_coefs>(cs, b + l), t, Impl::lane<D>(ys, b + l));
      for (int i = 0; i < D; ++i) {
        s[i][l] = k[i];
        z[i][l] = pint::math::fma(h2, k[i], ys[i][b + l]);
      }
    }
    middle_stage<S, B, L>(cs, b, t + h2, h2, ys, s, z);
    middle_stage<S, B, L>(cs, b, t + h2, h, ys, s, z);
    PINT_SIMD
    for (int l = 0; l < L; ++l) {
      const Vec<D> k = S::rhs(Impl::lane<S::num_coefs>(cs, b + l), t + h, Impl::lane<D>(z, l));
      for (int i = 0; i < D; ++i)
        ys[i][b + l] = pint::math::fma(h6, s[i][l] + k[i], ys[i][b + l]);
    }
  }

 private:
  // k = f(ts, z); s <- s + 2 k (Impl::plus_twice); z <- y + a k.
  template <class S, int B, int L>
  KOKKOS_FORCEINLINE_FUNCTION static void middle_stage(const double (&cs)[S::num_coefs][B], int b,
                                                       double ts, double a,
                                                       const double (&ys)[S::dim][B],
                                                       double (&s)[S::dim][L],
                                                       double (&z)[S::dim][L]) {
    constexpr int D = S::dim;
    PINT_SIMD
    for (int l = 0; l < L; ++l) {
      const Vec<D> k = S::rhs(Impl::lane<S::num_coefs>(cs, b + l), ts, Impl::lane<D>(z, l));
      for (int i = 0; i < D; ++i) {
        s[i][l] = Impl::plus_twice(k[i], s[i][l]);
        z[i][l] = pint::math::fma(a, k[i], ys[i][b + l]);
      }
    }
  }
};

namespace Impl {

// Solves A x = b for a small dense A (Gaussian elimination; A = I - a h J is
// close to the identity for the step sizes the implicit methods are used with,
// so no pivoting). The 2x2 case is Cramer's rule.
template <int D>
KOKKOS_FORCEINLINE_FUNCTION Vec<D> solve(double A[D][D], Vec<D> b) {
  if constexpr (D == 2) {
    const double det = A[0][0] * A[1][1] - A[0][1] * A[1][0];
    return {{(b[0] * A[1][1] - A[0][1] * b[1]) / det, (A[0][0] * b[1] - b[0] * A[1][0]) / det}};
  } else {
    for (int k = 0; k < D; ++k) {
      for (int r = k + 1; r < D; ++r) {
        const double f = A[r][k] / A[k][k];
        for (int j = k; j < D; ++j)
          A[r][j] -= f * A[k][j];
        b[r] -= f * b[k];
      }
    }
    Vec<D> x;
    for (int k = D - 1; k >= 0; --k) {
      double s = b[k];
      for (int j = k + 1; j < D; ++j)
        s -= A[k][j] * x[j];
      x[k] = s / A[k][k];
    }
    return x;
  }
}

// One-stage implicit step z = y + h f(t + theta h, (1 - theta) y + theta z)
// solved with a fixed number of Newton iterations from z = y: one for linear
// systems (where it is the exact closed-form solve), four otherwise.
template <class S, int ThetaTimes2>
KOKKOS_FORCEINLINE_FUNCTION void theta_step(const Vec<S::num_coefs>& c, double t, double h,
                                            Vec<S::dim>& y) {
  constexpr int D = S::dim;
  constexpr double theta = ThetaTimes2 * 0.5;
  constexpr int iterations = core::is_linear_v<S> ? 1 : 4;
  Vec<D> z = y;
  for (int it = 0; it < iterations; ++it) {
    Vec<D> m;
    for (int i = 0; i < D; ++i)
      m[i] = theta == 1.0 ? z[i] : 0.5 * (y[i] + z[i]);
    const Vec<D> f = S::rhs(c, t + theta * h, m);
    double J[D][D];
    core::jacobian<S>(c, t + theta * h, m, J);  // the system's, else finite differences
    double A[D][D];
    Vec<D> g;  // -residual: y + h f(m) - z
    for (int i = 0; i < D; ++i) {
      g[i] = pint::math::fma(h, f[i], y[i]) - z[i];
      for (int j = 0; j < D; ++j)
        A[i][j] = (i == j ? 1.0 : 0.0) - theta * h * J[i][j];
    }
    const Vec<D> dz = solve<D>(A, g);
    for (int i = 0; i < D; ++i)
      z[i] += dz[i];
  }
  y = z;
}

}  // namespace Impl

// The one-stage implicit theta methods, theta = ThetaTimes2 / 2:
//  - implicit midpoint (theta = 1/2): z = y + h f(t + h/2, (y + z)/2). Order 2,
//    A-stable and symplectic: the coarse propagator that stays bounded with large
//    steps on oscillatory problems;
//  - backward Euler (theta = 1): z = y + h f(t + h, z). Order 1, L-stable.
template <int ThetaTimes2>
struct ThetaMethod {
  static_assert(ThetaTimes2 == 1 || ThetaTimes2 == 2, "theta is 1/2 or 1");
  static constexpr int order = ThetaTimes2 == 1 ? 2 : 1;
  static const char* name() { return ThetaTimes2 == 1 ? "implicit-midpoint" : "backward-euler"; }
  template <class S>
  static constexpr int flops() {
    return 0;
  }
  template <class S>
  KOKKOS_FORCEINLINE_FUNCTION static void step(const Vec<S::num_coefs>& c, double t, double h,
                                               Vec<S::dim>& y) {
    Impl::theta_step<S, ThetaTimes2>(c, t, h, y);
  }
};
using ImplicitMidpoint = ThetaMethod<1>;
using BackwardEuler = ThetaMethod<2>;

// Leapfrog (velocity Verlet, kick-drift-kick) for separable systems
// y = (q, v), q' = v, v' = a(t, q): order 2, symplectic, time-reversible; its
// energy error stays bounded over long integrations instead of drifting.
struct Leapfrog {
  static constexpr int order = 2;
  static const char* name() { return "leapfrog"; }
  template <class S>
  static constexpr int flops() {
    return 0;
  }
  template <class S>
  KOKKOS_FORCEINLINE_FUNCTION static void step(const Vec<S::num_coefs>& c, double t, double h,
                                               Vec<S::dim>& y) {
    if constexpr (core::is_separable_v<S>) {
      constexpr int H = S::dim / 2;
      const double h2 = 0.5 * h;
      Vec<H> q, v;
      for (int i = 0; i < H; ++i) {
        q[i] = y[i];
        v[i] = y[H + i];
      }
      Vec<H> a = S::acceleration(c, t, q);
      for (int i = 0; i < H; ++i)
        v[i] = pint::math::fma(h2, a[i], v[i]);  // kick
      for (int i = 0; i < H; ++i)
        q[i] = pint::math::fma(h, v[i], q[i]);  // drift
      a = S::acceleration(c, t + h, q);
      for (int i = 0; i < H; ++i)
        v[i] = pint::math::fma(h2, a[i], v[i]);  // kick
      for (int i = 0; i < H; ++i) {
        y[i] = q[i];
        y[H + i] = v[i];
      }
    } else {
      // Never reached: propagate() refuses leapfrog for such systems (check_method).
      (void)c;
      (void)t;
      (void)h;
      (void)y;
    }
  }
};

// Methods chosen by name at run time.
enum class Method { euler, heun, rk4, implicit_midpoint, backward_euler, leapfrog };

inline const char* method_names() {
  return "euler, heun, rk4, implicit-midpoint, backward-euler, leapfrog";
}

inline Method parse_method(const std::string& name) {
  if (name == "euler") return Method::euler;
  if (name == "heun") return Method::heun;
  if (name == "rk4") return Method::rk4;
  if (name == "implicit-midpoint") return Method::implicit_midpoint;
  if (name == "backward-euler") return Method::backward_euler;
  if (name == "leapfrog") return Method::leapfrog;
  throw std::invalid_argument("unknown method '" + name + "'; accepted: " + method_names());
}

// Calls f(MethodType{}) for the method `m`.
template <class F>
decltype(auto) with_method(Method m, F&& f) {
  switch (m) {
    case Method::euler:
      return f(ForwardEuler{});
    case Method::heun:
      return f(Heun{});
    case Method::rk4:
      return f(RK4{});
    case Method::implicit_midpoint:
      return f(ImplicitMidpoint{});
    case Method::leapfrog:
      return f(Leapfrog{});
    case Method::backward_euler:
      break;
  }
  return f(BackwardEuler{});
}

inline const char* method_name(Method m) {
  return with_method(m, [](auto method) { return decltype(method)::name(); });
}

// Throws std::invalid_argument when system S cannot use method m (leapfrog needs
// a separable system; the implicit methods a Jacobian, the system's or finite
// differences).
template <class S>
void check_method(Method m) {
  if ((m == Method::implicit_midpoint || m == Method::backward_euler) &&
      !core::has_any_jacobian_v<S>) {
    throw std::invalid_argument(std::string("method '") + method_name(m) + "' needs df/dy; " +
                                S::name() +
                                " has no jacobian() and sets finite_difference_jacobian = false: "
                                "choose euler, heun or rk4, or give the system a jacobian()");
  }
  if (m == Method::leapfrog && !core::is_separable_v<S>) {
    throw std::invalid_argument(std::string("method 'leapfrog' needs a separable system (y = "
                                            "(positions, velocities)); ") +
                                S::name() +
                                " is not: choose euler, heun, rk4, implicit-midpoint or "
                                "backward-euler");
  }
}

}  // namespace pint::kernels
