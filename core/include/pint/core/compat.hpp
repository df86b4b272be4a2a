// The few places where the Kokkos 3.4 and 4.x APIs differ, in one header.
//
//  - initialisation settings: Kokkos::InitArguments (3.x) vs
//    Kokkos::InitializationSettings (3.7+, the only form in 4.x);
//  - mathematical functions: Kokkos::Experimental:: (3.4) vs Kokkos:: (4.x);
//    3.4 has no fma, so pint::fma maps to the compiler's builtin there;
//  - Kokkos::Profiling::ScopedRegion, which 3.4 does not have.
//
// Everything else pint uses is common to both.
#pragma once

#include <Kokkos_Core.hpp>

#include <cmath>
#include <string>

#define PINT_KOKKOS_VERSION_AT_LEAST(major, minor, patch) \
  (KOKKOS_VERSION >= ((major)*10000 + (minor)*100 + (patch)))

namespace pint {

#if PINT_KOKKOS_VERSION_AT_LEAST(4, 0, 0)
namespace kmath = ::Kokkos;
#else
namespace kmath = ::Kokkos::Experimental;
#endif

// Math functions callable on host and device, the same spelling on every Kokkos:
// pint::math::sqrt and so on. They live in a namespace of their own, not in
// `pint`, so that a `using namespace pint;` never makes an unqualified sqrt(x)
// ambiguous against the C library's (CUDA's math headers call those).
namespace math {
using kmath::cos;
using kmath::exp;
using kmath::fabs;
using kmath::fmax;
using kmath::fmin;
using kmath::isfinite;
using kmath::log;
using kmath::sin;
using kmath::sqrt;

// Fused multiply-add a*b+c with a single rounding. pint compiles with
// floating-point contraction off; this is how kernels ask for an FMA explicitly,
// so every code path (vector, scalar remainder, GPU thread) rounds the same way.
KOKKOS_FORCEINLINE_FUNCTION double fma(double a, double b, double c) {
#if PINT_KOKKOS_VERSION_AT_LEAST(4, 0, 0)
  return ::Kokkos::fma(a, b, c);
#else
  return __builtin_fma(a, b, c);
#endif
}

}  // namespace math

namespace compat {

// Settings pint passes to Kokkos::initialize; -1 leaves the choice to Kokkos.
struct InitSettings {
  int num_threads = -1;
  int device_id = -1;
};

inline void initialize_kokkos(const InitSettings& s) {
#if PINT_KOKKOS_VERSION_AT_LEAST(3, 7, 0)
  Kokkos::InitializationSettings settings;
  if (s.num_threads > 0) settings.set_num_threads(s.num_threads);
  if (s.device_id >= 0) settings.set_device_id(s.device_id);
  settings.set_disable_warnings(true);
  Kokkos::initialize(settings);
#else
  Kokkos::InitArguments args;
  args.num_threads = s.num_threads;
  args.device_id = s.device_id;
  args.disable_warnings = true;
  Kokkos::initialize(args);
#endif
}

}  // namespace compat

// RAII profiling region (Kokkos::Profiling::ScopedRegion where Kokkos has it).
class ScopedRegion {
 public:
  explicit ScopedRegion(const std::string& name) { Kokkos::Profiling::pushRegion(name); }
  ~ScopedRegion() { Kokkos::Profiling::popRegion(); }
  ScopedRegion(const ScopedRegion&) = delete;
  ScopedRegion& operator=(const ScopedRegion&) = delete;
};

}  // namespace pint
