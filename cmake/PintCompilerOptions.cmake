# Compiler options for pint's own targets.
#
# pint::build_options (an interface target linked PRIVATE, never exported): warnings.
# pint::core carries, as a public requirement, the one option results depend on:
# floating-point contraction off, so that a·b+c is never fused behind our back and
# the same ensemble member gets the same bits on every code path (vector, remainder,
# GPU thread). Where a fused multiply-add is wanted the kernels call pint::fma.
add_library(pint_build_options INTERFACE)
add_library(pint::build_options ALIAS pint_build_options)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(pint_build_options INTERFACE -Wall -Wextra -Wpedantic)
  if(PINT_WARNINGS_AS_ERRORS)
    target_compile_options(pint_build_options INTERFACE -Werror)
  endif()
endif()

set(PINT_CONTRACTION_OPTIONS "")
set(PINT_ARCH_OPTIONS "")
if(Kokkos_ENABLE_CUDA)
  # nvcc_wrapper: --fmad=false for device code; it hands -ffp-contract=off to the
  # host compiler by itself (it takes -Xcompiler only as a separate argument).
  # These reach Kokkos-dependent targets only (pint::core's public options), which
  # Kokkos' launcher compiles with nvcc_wrapper; Kokkos-free targets get the host
  # compiler and never see them.
  set(PINT_CONTRACTION_OPTIONS --fmad=false -ffp-contract=off)
elseif(Kokkos_ENABLE_HIP)
  # hipcc (Clang): no -fopenmp-simd, which makes ROCm 5.2's device link ask for the
  # OpenMP device runtime (__kmpc_alloc_shared) in kernels with local arrays.
  set(PINT_CONTRACTION_OPTIONS -ffp-contract=off)
elseif(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang|IntelLLVM")
  set(PINT_CONTRACTION_OPTIONS -ffp-contract=off -fopenmp-simd)
endif()
if(PINT_NATIVE_ARCH AND CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang|IntelLLVM"
   AND NOT Kokkos_ENABLE_CUDA AND NOT Kokkos_ENABLE_HIP)
  # Vector width of this CPU (AVX-512 on the reference machine). Off for
  # portable binaries: -DPINT_NATIVE_ARCH=OFF. Where the CPU has AVX-512, use
  # its 512-bit vectors (GCC's tuning for some AVX-512 CPUs prefers 256 bits):
  # the host lane count (kernels/lanes.hpp) assumes the widest FMA vectors.
  set(PINT_ARCH_OPTIONS -march=native)
  include(CheckCXXCompilerFlag)
  check_cxx_compiler_flag("-march=native -mprefer-vector-width=512" PINT_HAVE_PREFER_512)
  if(PINT_HAVE_PREFER_512)
    list(APPEND PINT_ARCH_OPTIONS -mprefer-vector-width=512)
  endif()
endif()
