// The FP64 peak of an execution space, measured: independent chains of fused
// multiply-adds held in registers, on every thread of a host space (with the
// widest FMA vectors the build targets: AVX-512, AVX2+FMA, else scalar fma) or
// on many threads of a GPU (one thread: scalar FMA chains). An FMA counts as 2
// flops. Every throughput pint reports as a fraction of peak divides by this
// figure, measured in the same process; with the widest vectors and enough
// chains to hide the FMA latency no kernel can exceed it.
#pragma once

#include "pint/core/compat.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <type_traits>

#if (defined(__AVX512F__) || defined(__FMA__)) && !defined(__CUDA_ARCH__) && \
    !defined(__HIP_DEVICE_COMPILE__)
#include <immintrin.h>
#endif

namespace pint::kernels {

// CPU seconds of the calling thread. A run on Kokkos::Serial (which executes on
// the calling thread) timed with it costs what it costs whatever other
// processes take of the core: on a shared machine the one-thread figures (the
// peak's and the kernels') are timed with this clock, the others with the wall.
inline double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Whether work on ExecSpace runs on the calling thread (and is timed with
// thread_cpu_seconds()).
template <class ExecSpace>
constexpr bool runs_on_calling_thread() {
#ifdef KOKKOS_ENABLE_SERIAL
  return std::is_same<ExecSpace, Kokkos::Serial>::value;
#else
  return false;
#endif
}

// Seconds since construction: thread CPU time for spaces that run on the
// calling thread, wall time otherwise.
template <class ExecSpace>
class SpaceTimer {
 public:
  SpaceTimer() { reset(); }
  void reset() {
    if constexpr (runs_on_calling_thread<ExecSpace>()) {
      start_ = thread_cpu_seconds();
    } else {
      wall_.reset();
    }
  }
  double seconds() const {
    if constexpr (runs_on_calling_thread<ExecSpace>()) {
      return thread_cpu_seconds() - start_;
    } else {
      return wall_.seconds();
    }
  }

 private:
  double start_ = 0;
  Kokkos::Timer wall_;
};

// Vector width, in bits, of the host FMA chains of this build: the widest FMA
// vectors the compiler targets (64: scalar fma).
constexpr int host_fma_vector_bits() {
#if defined(__AVX512F__)
  return 512;
#elif defined(__FMA__) && defined(__AVX__)
  return 256;
#else
  return 64;
#endif
}

// Independent chains per host thread: the FMA latency (4 cycles) times the FMA
// pipes (2) is 8 in flight; 16 leaves a margin and still fits the registers
// (32 zmm with AVX-512, 16 ymm with AVX2).
constexpr int host_fma_chains() {
  return host_fma_vector_bits() == 256 ? 12 : 16;
}

namespace Impl {

// One host thread's FMA chains: `iterations` rounds of host_fma_chains()
// vector FMAs. Returns a value that depends on every chain (so none is dropped).
inline double host_fma_chain_work(std::int64_t iterations, double seed) {
  constexpr int C = host_fma_chains();
  const double x = 1.0 + 1e-15, y = 1e-16;
#if defined(__AVX512F__) && !defined(__CUDA_ARCH__) && !defined(__HIP_DEVICE_COMPILE__)
  __m512d a[C];
  const __m512d vx = _mm512_set1_pd(x), vy = _mm512_set1_pd(y);
  for (int j = 0; j < C; ++j)
    a[j] = _mm512_set1_pd(seed + 1e-3 * j);
  for (std::int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 16
    for (int j = 0; j < C; ++j)
      a[j] = _mm512_fmadd_pd(a[j], vx, vy);
  }
  __m512d s = a[0];
  for (int j = 1; j < C; ++j)
    s = _mm512_add_pd(s, a[j]);
  double out[8];  // not _mm512_reduce_add_pd: GCC 12 warns inside it (-Wmaybe-uninitialized)
  _mm512_storeu_pd(out, s);
  double sum = 0;
  for (int j = 0; j < 8; ++j)
    sum += out[j];
  return sum;
#elif defined(__FMA__) && defined(__AVX__) && !defined(__CUDA_ARCH__) && \
    !defined(__HIP_DEVICE_COMPILE__)
  __m256d a[C];
  const __m256d vx = _mm256_set1_pd(x), vy = _mm256_set1_pd(y);
  for (int j = 0; j < C; ++j)
    a[j] = _mm256_set1_pd(seed + 1e-3 * j);
  for (std::int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 16
    for (int j = 0; j < C; ++j)
      a[j] = _mm256_fmadd_pd(a[j], vx, vy);
  }
  double out[4];
  __m256d s = a[0];
  for (int j = 1; j < C; ++j)
    s = _mm256_add_pd(s, a[j]);
  _mm256_storeu_pd(out, s);
  return out[0] + out[1] + out[2] + out[3];
#else
  double a[C];
  for (int j = 0; j < C; ++j)
    a[j] = seed + 1e-3 * j;
  for (std::int64_t it = 0; it < iterations; ++it) {
    for (int j = 0; j < C; ++j)
      a[j] = pint::math::fma(a[j], x, y);
  }
  double s = 0;
  for (int j = 0; j < C; ++j)
    s += a[j];
  return s;
#endif
}

// Flops of one host thread's host_fma_chain_work(iterations).
inline double host_fma_chain_flops(std::int64_t iterations) {
  return static_cast<double>(iterations) * host_fma_chains() * (host_fma_vector_bits() / 64) * 2;
}

// Host spaces: one work item per thread, each its thread's chains.
template <class OutView>
struct HostPeak {
  OutView out;
  std::int64_t iterations;
  void operator()(int i) const { out(i) = host_fma_chain_work(iterations, 1.0 + i); }
};

// GPUs: per thread, kDeviceChains scalar chains.
constexpr int kDeviceChains = 8;
constexpr int kDeviceItems = 1 << 20;
template <class OutView>
struct DevicePeak {
  OutView out;
  std::int64_t iterations;
  KOKKOS_INLINE_FUNCTION void operator()(int i) const {
    double a[kDeviceChains];
    for (int j = 0; j < kDeviceChains; ++j)
      a[j] = i + 1e-3 * j;
    const double x = 1.0 + 1e-15, y = 1e-16;
    for (std::int64_t it = 0; it < iterations; ++it) {
      for (int j = 0; j < kDeviceChains; ++j)
        a[j] = pint::math::fma(a[j], x, y);
    }
    double s = 0;
    for (int j = 0; j < kDeviceChains; ++j)
      s += a[j];
    out(i) = s;
  }
};

}  // namespace Impl

// What one measurement of the peak found.
struct Peak {
  double gflops = 0;      // FP64 GFLOP/s, an FMA counted as 2
  int vector_bits = 0;    // of each FMA (64: scalar; GPUs: per thread)
  int chains = 0;         // independent chains per work item
  int threads = 0;        // work items run concurrently (host: the space's threads)
  bool cpu_time = false;  // timed with the thread's CPU time (one thread), else the wall
};

// One timed run of `iterations` rounds on every thread of `exec`.
template <class ExecSpace>
Peak measure_fp64_peak(const ExecSpace& exec, std::int64_t iterations) {
  ScopedRegion region("pint::kernels::measure_fp64_peak");
  constexpr bool host = std::is_same<typename ExecSpace::memory_space, Kokkos::HostSpace>::value;
  Peak peak;
  using Out = Kokkos::View<double*, typename ExecSpace::memory_space>;
  if constexpr (host) {
    const int items = exec.concurrency();
    Out out("pint::kernels::peak_out", static_cast<size_t>(items));
    exec.fence();
    SpaceTimer<ExecSpace> timer;
    Kokkos::parallel_for("pint::kernels::fp64_peak", Kokkos::RangePolicy<ExecSpace>(exec, 0, items),
                         Impl::HostPeak<Out>{out, iterations});
    exec.fence();
    const double seconds = timer.seconds();
    peak.gflops = items * Impl::host_fma_chain_flops(iterations) / seconds / 1e9;
    peak.vector_bits = host_fma_vector_bits();
    peak.chains = host_fma_chains();
    peak.threads = items;
    peak.cpu_time = runs_on_calling_thread<ExecSpace>();
  } else {
    const int items = Impl::kDeviceItems;
    Out out("pint::kernels::peak_out", static_cast<size_t>(items));
    exec.fence();
    Kokkos::Timer timer;
    Kokkos::parallel_for("pint::kernels::fp64_peak", Kokkos::RangePolicy<ExecSpace>(exec, 0, items),
                         Impl::DevicePeak<Out>{out, iterations});
    exec.fence();
    const double seconds = timer.seconds();
    peak.gflops = static_cast<double>(items) * static_cast<double>(iterations) *
                  Impl::kDeviceChains * 2 / seconds / 1e9;
    peak.vector_bits = 64;
    peak.chains = Impl::kDeviceChains;
    peak.threads = items;
  }
  return peak;
}

// Rounds of the FMA chains for one measure_fp64_peak() run of about `seconds` on
// `exec` (calibrated: the rounds grow until a run takes a quarter of that).
template <class ExecSpace>
std::int64_t fp64_peak_iterations(const ExecSpace& exec, double seconds) {
  std::int64_t iterations = 1 << 12;
  double once = 0;
  for (int k = 0; k < 24; ++k) {
    SpaceTimer<ExecSpace> timer;
    measure_fp64_peak(exec, iterations);
    once = timer.seconds();
    if (once >= seconds / 4) break;
    iterations *= 2;
  }
  return std::max<std::int64_t>(
      iterations,
      static_cast<std::int64_t>(static_cast<double>(iterations) * seconds / std::max(once, 1e-6)));
}

// The best of `repeats` runs of about `seconds_each` each: other processes on
// the machine can only slow a run down, so the best is the closest to the peak.
template <class ExecSpace>
Peak fp64_peak(const ExecSpace& exec, int repeats = 5, double seconds_each = 0.05) {
  const std::int64_t iterations = fp64_peak_iterations(exec, seconds_each);
  Peak best;
  for (int r = 0; r < repeats; ++r) {
    const Peak p = measure_fp64_peak(exec, iterations);
    if (p.gflops > best.gflops) best = p;
  }
  return best;
}

}  // namespace pint::kernels
