# Finds Kokkos and Kokkos Kernels inside pint's supported window and repairs the
# two faults of Debian 12's Trilinos-built packages (Kokkos 3.4.01):
#
#  1. Kokkos::kokkos names "${prefix}/include" as its include directory, with the
#     prefix computed four levels above the config file, i.e. /usr/lib/include,
#     which does not exist (the headers are in /usr/include/trilinos). CMake
#     refuses imported targets whose include directories are missing.
#  2. Kokkos Kernels exports only `trilinos_kokkoskernels`; the name every other
#     Kokkos Kernels install provides, Kokkos::kokkoskernels, is absent.
#
# With a healthy Kokkos (a standalone 3.4+/4.x install) both repairs are no-ops.
# This file is installed with pint's package config, which includes it again so
# that consumers get the same targets.

set(PINT_KOKKOS_MIN_VERSION 3.4.01)
set(PINT_KOKKOS_MAX_MAJOR 4) # 4.x is the newest major pint is built and tested with

macro(pint_find_kokkos)
  find_package(Kokkos CONFIG QUIET)
  if(NOT Kokkos_FOUND)
    message(FATAL_ERROR
      "pint: Kokkos was not found. On Debian 12 run scripts/install-deps.sh "
      "(package libtrilinos-kokkos-dev); otherwise pass -DKokkos_ROOT=<prefix of a "
      "Kokkos ${PINT_KOKKOS_MIN_VERSION} ... ${PINT_KOKKOS_MAX_MAJOR}.x install>.")
  endif()
  if(Kokkos_VERSION VERSION_LESS PINT_KOKKOS_MIN_VERSION)
    message(FATAL_ERROR
      "pint: Kokkos ${Kokkos_VERSION} at ${Kokkos_DIR} is too old; pint needs Kokkos "
      "${PINT_KOKKOS_MIN_VERSION} ... ${PINT_KOKKOS_MAX_MAJOR}.x. Install a newer one "
      "(Debian 12: libtrilinos-kokkos-dev; Spack: kokkos@4) and pass -DKokkos_ROOT=<prefix>.")
  endif()
  math(EXPR _pint_next_major "${PINT_KOKKOS_MAX_MAJOR} + 1")
  if(NOT Kokkos_VERSION VERSION_LESS ${_pint_next_major})
    message(FATAL_ERROR
      "pint: Kokkos ${Kokkos_VERSION} at ${Kokkos_DIR} is newer than the supported window "
      "${PINT_KOKKOS_MIN_VERSION} ... ${PINT_KOKKOS_MAX_MAJOR}.x; pass -DKokkos_ROOT=<prefix> "
      "of a Kokkos 4.x install.")
  endif()

  # Repair 1: replace include directories that do not exist with Kokkos_INCLUDE_DIRS.
  if(TARGET Kokkos::kokkos)
    get_target_property(_pint_kokkos_inc Kokkos::kokkos INTERFACE_INCLUDE_DIRECTORIES)
    if(_pint_kokkos_inc)
      set(_pint_kokkos_good_inc "")
      set(_pint_kokkos_bad FALSE)
      foreach(_dir IN LISTS _pint_kokkos_inc)
        if(_dir MATCHES "^\\$<" OR EXISTS "${_dir}")
          list(APPEND _pint_kokkos_good_inc "${_dir}")
        else()
          set(_pint_kokkos_bad TRUE)
        endif()
      endforeach()
      if(_pint_kokkos_bad)
        list(APPEND _pint_kokkos_good_inc ${Kokkos_INCLUDE_DIRS})
        list(REMOVE_DUPLICATES _pint_kokkos_good_inc)
        set_target_properties(Kokkos::kokkos PROPERTIES
          INTERFACE_INCLUDE_DIRECTORIES "${_pint_kokkos_good_inc}")
      endif()
    endif()
  endif()

  find_package(KokkosKernels CONFIG QUIET)
  if(NOT KokkosKernels_FOUND)
    message(FATAL_ERROR
      "pint: Kokkos Kernels was not found (Kokkos ${Kokkos_VERSION} was, at ${Kokkos_DIR}). "
      "On Debian 12 run scripts/install-deps.sh (package libtrilinos-kokkos-kernels-dev); "
      "otherwise install Kokkos Kernels ${Kokkos_VERSION} and pass -DKokkosKernels_ROOT=<prefix>.")
  endif()
  # Kokkos Kernels must be the one built against this Kokkos: a Kokkos Kernels
  # of another Kokkos compiles, then fails to link (or worse).
  set(_pint_kk_mismatch FALSE)
  if(KokkosKernels_VERSION)
    string(REGEX MATCH "^[0-9]+\\.[0-9]+" _pint_kk_mm "${KokkosKernels_VERSION}")
    string(REGEX MATCH "^[0-9]+\\.[0-9]+" _pint_k_mm "${Kokkos_VERSION}")
    if(NOT _pint_kk_mm VERSION_EQUAL _pint_k_mm)
      set(_pint_kk_mismatch TRUE)
    endif()
  elseif("KokkosCore" IN_LIST KokkosKernels_PACKAGE_LIST)
    # Trilinos' Kokkos Kernels brings Trilinos' Kokkos (KokkosCore beside it).
    get_filename_component(_pint_kk_parent "${KokkosKernels_DIR}" DIRECTORY)
    get_filename_component(_pint_k_parent "${Kokkos_DIR}" DIRECTORY)
    if(NOT _pint_kk_parent STREQUAL _pint_k_parent)
      set(_pint_kk_mismatch TRUE)
    endif()
  endif()
  if(_pint_kk_mismatch)
    message(FATAL_ERROR
      "pint: Kokkos Kernels ${KokkosKernels_VERSION} at ${KokkosKernels_DIR} was not built "
      "against Kokkos ${Kokkos_VERSION} at ${Kokkos_DIR}. Pass -DKokkosKernels_ROOT=<prefix> "
      "(or set the KokkosKernels_ROOT environment variable) to the Kokkos Kernels of this "
      "Kokkos, and configure a fresh build folder.")
  endif()
  # Repair 2: give Trilinos' Kokkos Kernels the standard target name.
  if(NOT TARGET Kokkos::kokkoskernels)
    if(TARGET trilinos_kokkoskernels)
      add_library(Kokkos::kokkoskernels INTERFACE IMPORTED)
      set_target_properties(Kokkos::kokkoskernels PROPERTIES
        INTERFACE_LINK_LIBRARIES "trilinos_kokkoskernels;Kokkos::kokkos"
        INTERFACE_INCLUDE_DIRECTORIES "${KokkosKernels_INCLUDE_DIRS}")
    else()
      message(FATAL_ERROR
        "pint: Kokkos Kernels at ${KokkosKernels_DIR} provides neither Kokkos::kokkoskernels "
        "nor trilinos_kokkoskernels; reinstall Kokkos Kernels.")
    endif()
  endif()

  # Which backends this Kokkos has (Kokkos 3.4 Trilinos and 4.x both set these).
  set(PINT_KOKKOS_BACKENDS "")
  foreach(_b SERIAL OPENMP THREADS CUDA HIP SYCL)
    if(Kokkos_ENABLE_${_b})
      list(APPEND PINT_KOKKOS_BACKENDS ${_b})
    endif()
  endforeach()
endmacro()
