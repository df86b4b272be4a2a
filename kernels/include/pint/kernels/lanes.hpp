// How kernels map members to work items. Two mappings, both instantiable on
// every backend:
//  - MemberBlocks: a work item advances a block of host_lanes() consecutive
//    members together, vectorized across them (the host backends' choice);
//  - OneMemberPerItem: a work item advances one member (the GPU backends'
//    choice: one member per thread).
// NaturalMapping, the default everywhere, picks the backend's own. Running the
// host tests with OneMemberPerItem executes the GPU code path (its block of one
// lane, its saved-row stores) on every CI run; every member gets the same bits
// under either mapping (same operations per lane, contraction off).
#pragma once

#include <Kokkos_Core.hpp>

#include <type_traits>

#ifndef PINT_HOST_LANES
// Members per work item on host backends: 8 vectors of the widest FMA vectors
// the build targets, enough independent FMA chains in flight to hide their
// latency (2 pipes x 4 cycles). AVX2 (4 doubles): 32 -- on AMD Zen 3 RK4 reached
// 77% of FP64 peak against 69% with 16 and 38% with 8. AVX-512 (8 doubles): 64
// -- on an Intel Xeon (512-bit FMAs, 2 pipes) RK4 at 10^6 members, one thread,
// measured 0.58-0.67 of the 512-bit peak with 32 lanes and 0.59-0.77 with 64
// (a shared machine: mostly within noise of each other; README, "Roofline").
// Override with -DPINT_HOST_LANES=N.
#if defined(__AVX512F__) && !defined(__CUDA_ARCH__) && !defined(__HIP_DEVICE_COMPILE__)
#define PINT_HOST_LANES 64
#else
#define PINT_HOST_LANES 32
#endif
#endif

#ifndef PINT_STAGE_LANES
// Lanes of a block that methods advancing stage by stage (RK4) take together.
// AVX-512: 32 (4 zmm vectors per stage, 2 sub-blocks of a 64-lane block): on
// the Intel Xeon of the README's roofline, RK4 at 10^6 members, one thread,
// beat 16 lanes (2 vectors) in 12 of 16 alternating pairs of runs (medians
// 0.80 and 0.79 of the peak; 64 lanes spill: 0.65-0.71); the loop has 5 spill stores
// more than with 16 but more independent FMAs per stage, which the core needs
// less look-ahead to overlap. AVX2: 8 (2 ymm vectors; 16 registers).
// Override with -DPINT_STAGE_LANES=N.
#if defined(__AVX512F__) && !defined(__CUDA_ARCH__) && !defined(__HIP_DEVICE_COMPILE__)
#define PINT_STAGE_LANES 32
#else
#define PINT_STAGE_LANES 8
#endif
#endif

// Marks the lane loop as free of dependences between iterations. Not `omp simd`:
// GCC turns aggregates declared in an `omp simd` body (our Vec) into per-lane
// arrays it then fails to vectorize; its auto-vectorizer handles the loop.
// PINT_UNROLL: unroll the short loop that follows completely (the sub-blocks of
// a block: their lanes then stay in registers).
#if defined(__clang__) && !defined(__CUDA__) && !defined(__HIP__)
#define PINT_SIMD _Pragma("clang loop vectorize(enable)")
#define PINT_UNROLL _Pragma("clang loop unroll(full)")
#elif defined(__GNUC__) && !defined(__NVCC__) && !defined(__CUDACC__) && !defined(__HIPCC__)
#define PINT_SIMD _Pragma("GCC ivdep")
#define PINT_UNROLL _Pragma("GCC unroll 16")
#else
#define PINT_SIMD
#define PINT_UNROLL
#endif

namespace pint::kernels {

// Whether the build targets a core whose FP adds have pipes of their own beside
// the FMA pipes (AMD Zen: two FMA/multiply pipes and two add pipes; Intel's adds
// share the FMA ports).
#if (defined(__znver1__) || defined(__znver2__) || defined(__znver3__) || defined(__znver4__) || \
     defined(__znver5__)) &&                                                                     \
    !defined(__CUDA_ARCH__) && !defined(__HIP_DEVICE_COMPILE__)
constexpr bool separate_add_pipes = true;
#else
constexpr bool separate_add_pipes = false;
#endif

// Members per work item of the host mapping.
constexpr int host_lanes() {
  return PINT_HOST_LANES;
}

// Lanes of a block that stage-by-stage methods advance together (called in
// kernels: a host and device function).
KOKKOS_INLINE_FUNCTION constexpr int stage_lanes() {
  return PINT_STAGE_LANES;
}

// Blocks of host_lanes() consecutive members per work item.
struct MemberBlocks {
  template <class ExecSpace>
  static constexpr int lanes() {
    return host_lanes();
  }
  static const char* name() { return "member_blocks"; }
};

// One member per work item.
struct OneMemberPerItem {
  template <class ExecSpace>
  static constexpr int lanes() {
    return 1;
  }
  static const char* name() { return "one_member_per_item"; }
};

// The backend's own mapping: MemberBlocks on host backends, OneMemberPerItem on GPUs.
struct NaturalMapping {
  template <class ExecSpace>
  static constexpr int lanes() {
    return std::is_same<typename ExecSpace::memory_space, Kokkos::HostSpace>::value
               ? MemberBlocks::lanes<ExecSpace>()
               : OneMemberPerItem::lanes<ExecSpace>();
  }
  static const char* name() { return "natural"; }
};

// Members per work item of `Mapping` on execution space ExecSpace.
template <class ExecSpace, class Mapping = NaturalMapping>
constexpr int lanes() {
  return Mapping::template lanes<ExecSpace>();
}

}  // namespace pint::kernels
