// How kernels map members to work items: blocks of consecutive members on host
// backends (vectorized across members), one member per work item on GPUs.
#pragma once

#include <Kokkos_Core.hpp>

#include <type_traits>

#ifndef PINT_HOST_LANES
// Members per work item on host backends. 32 (8 AVX2 vectors) keeps enough
// independent FMA chains in flight to hide latency on the reference CPU (AMD
// Zen 3): RK4 reached 77% of FP64 peak against 69% with 16 and 38% with 8.
#define PINT_HOST_LANES 32
#endif

// Marks the lane loop as free of dependences between iterations. Not `omp simd`:
// GCC turns aggregates declared in an `omp simd` body (our Vec) into per-lane
// arrays it then fails to vectorize; its auto-vectorizer handles the loop.
#if defined(__clang__) && !defined(__CUDA__) && !defined(__HIP__)
#define PINT_SIMD _Pragma("clang loop vectorize(enable)")
#elif defined(__GNUC__) && !defined(__NVCC__) && !defined(__CUDACC__) && !defined(__HIPCC__)
#define PINT_SIMD _Pragma("GCC ivdep")
#else
#define PINT_SIMD
#endif

namespace pint::kernels {

// Members per work item on execution space ExecSpace.
template <class ExecSpace>
constexpr int lanes() {
  return std::is_same<typename ExecSpace::memory_space, Kokkos::HostSpace>::value ? PINT_HOST_LANES
                                                                                  : 1;
}

}  // namespace pint::kernels
