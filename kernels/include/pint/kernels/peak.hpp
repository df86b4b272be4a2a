// The FP64 peak of an execution space, measured: independent chains of fused
// multiply-adds held in registers, on every thread of a host space (with the
// widest FMA vectors the build targets: AVX-512, AVX2+FMA, else scalar fma) or
// on many threads of a GPU (one thread: scalar FMA chains). An FMA counts as 2
// flops. On a host the peak is the faster of two kernels: the FMA chains alone,
// and FMA chains with independent add chains beside them (faster on cores with
// add pipes of their own, such as AMD Zen's). Every throughput pint reports as
// a fraction of peak divides by this figure, measured in the same process; with
// the widest vectors, enough chains to hide the latencies and every FP pipe busy
// no kernel can exceed it.
#pragma once

#include "pint/core/compat.hpp"
#include "pint/kernels/lanes.hpp"  // PINT_UNROLL

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

// The second host kernel: FMA chains with independent add chains beside them.
// Cores with FP add pipes of their own (AMD Zen: two FMA/multiply pipes and two
// add pipes) run both at once, 1.5x the FMA chains' flops there (a kernel with
// adds, such as RK4, can then beat the FMA chains alone); where adds share the
// FMA ports (Intel) the mix is slower, and the FMA chains are the peak. Add
// latency (3 cycles) x pipes (2) chains; with AVX2 they and the two constants
// fill the 16 ymm registers.
constexpr int host_mixed_fma_chains() {
  return host_fma_vector_bits() == 256 ? 8 : 12;
}
constexpr int host_add_chains() {
  return host_fma_vector_bits() == 256 ? 6 : 12;
}

// The chains of each host kernel: the FMA chains alone, or with adds beside them.
constexpr int host_fma_chains(bool with_adds) {
  return with_adds ? host_mixed_fma_chains() : host_fma_chains();
}
constexpr int host_add_chains(bool with_adds) {
  return with_adds ? host_add_chains() : 0;
}

namespace Impl {

// The host's FP64 vector of host_fma_vector_bits() and the operations the
// chains use.
#if defined(__AVX512F__) && !defined(__CUDA_ARCH__) && !defined(__HIP_DEVICE_COMPILE__)
struct HostVector {
  using type = __m512d;
  static type set(double x) { return _mm512_set1_pd(x); }
  static type fma(type a, type b, type c) { return _mm512_fmadd_pd(a, b, c); }
  static type add(type a, type b) { return _mm512_add_pd(a, b); }
  // not _mm512_reduce_add_pd for the sum: GCC 12 warns inside it (-Wmaybe-uninitialized)
  static void store(double* out, type v) { _mm512_storeu_pd(out, v); }
};
#elif defined(__FMA__) && defined(__AVX__) && !defined(__CUDA_ARCH__) && \
    !defined(__HIP_DEVICE_COMPILE__)
struct HostVector {
  using type = __m256d;
  static type set(double x) { return _mm256_set1_pd(x); }
  static type fma(type a, type b, type c) { return _mm256_fmadd_pd(a, b, c); }
  static type add(type a, type b) { return _mm256_add_pd(a, b); }
  static void store(double* out, type v) { _mm256_storeu_pd(out, v); }
};
#else
struct HostVector {
  using type = double;
  static type set(double x) { return x; }
  static type fma(type a, type b, type c) { return pint::math::fma(a, b, c); }
  static type add(type a, type b) { return a + b; }
  static void store(double* out, type v) { out[0] = v; }
};
#endif

// One host thread's chains: `iterations` rounds of F vector FMAs and A vector
// adds, each on its own chain. Returns a value that depends on every chain (so
// none is dropped).
template <int F, int A>
double host_chain_work(std::int64_t iterations, double seed) {
  using V = HostVector;
  typename V::type f[F], a[A > 0 ? A : 1];
  const typename V::type x = V::set(1.0 + 1e-15), y = V::set(1e-16);
  for (int j = 0; j < F; ++j)
    f[j] = V::set(seed + 1e-3 * j);
  for (int j = 0; j < A; ++j)
    a[j] = V::set(seed - 1e-3 * j);
  for (std::int64_t it = 0; it < iterations; ++it) {
    PINT_UNROLL
    for (int j = 0; j < F; ++j)
      f[j] = V::fma(f[j], x, y);
    PINT_UNROLL
    for (int j = 0; j < A; ++j)
      a[j] = V::add(a[j], y);
  }
  typename V::type s = f[0];
  for (int j = 1; j < F; ++j)
    s = V::add(s, f[j]);
  for (int j = 0; j < A; ++j)
    s = V::add(s, a[j]);
  double out[host_fma_vector_bits() / 64], sum = 0;
  V::store(out, s);
  for (double x : out)
    sum += x;
  return sum;
}

// Flops of one host thread's run of the kernel `with_adds` for `iterations`
// rounds: an FMA is 2.
inline double host_chain_flops(std::int64_t iterations, bool with_adds) {
  return static_cast<double>(iterations) *
         (2 * host_fma_chains(with_adds) + host_add_chains(with_adds)) *
         (host_fma_vector_bits() / 64);
}

// Host spaces: one work item per thread, each its thread's chains (the FMA
// chains alone, or with the add chains beside them).
template <class OutView>
struct HostPeak {
  OutView out;
  std::int64_t iterations;
  bool with_adds;
  void operator()(int i) const {
    out(i) =
        with_adds
            ? host_chain_work<host_fma_chains(true), host_add_chains(true)>(iterations, 1.0 + i)
            : host_chain_work<host_fma_chains(false), host_add_chains(false)>(iterations, 1.0 + i);
  }
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
  double gflops = 0;      // FP64 GFLOP/s, an FMA counted as 2: the faster kernel's
  double fma_gflops = 0;  // the FMA chains alone
  int vector_bits = 0;    // of each FMA (64: scalar; GPUs: per thread)
  int chains = 0;         // independent FMA chains per work item, of the faster kernel
  int add_chains = 0;     // add chains beside them (0: the FMA chains alone were faster)
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
    const auto gflops = [&](bool with_adds) {
      exec.fence();
      SpaceTimer<ExecSpace> timer;
      Kokkos::parallel_for(
          with_adds ? "pint::kernels::fp64_peak_fma_add" : "pint::kernels::fp64_peak",
          Kokkos::RangePolicy<ExecSpace>(exec, 0, items),
          Impl::HostPeak<Out>{out, iterations, with_adds});
      exec.fence();
      return items * Impl::host_chain_flops(iterations, with_adds) / timer.seconds() / 1e9;
    };
    peak.fma_gflops = gflops(false);
    const double mixed = gflops(true);
    const bool adds_faster = mixed > peak.fma_gflops;
    peak.gflops = adds_faster ? mixed : peak.fma_gflops;
    peak.vector_bits = host_fma_vector_bits();
    peak.chains = host_fma_chains(adds_faster);
    peak.add_chains = host_add_chains(adds_faster);
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
    peak.fma_gflops = peak.gflops;  // a GPU's adds and FMAs share their units
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
