# Registering tests. MPI tests run at several rank counts (Cabana's harness):
# oversubscribed where the machine has fewer cores, and allowed to run as root
# (CI and containers), with Open MPI's flags only when the launcher is Open MPI.
set(PINT_TEST_RANKS 1 2 3 4 CACHE STRING "Rank counts every MPI test is registered at")

set(PINT_MPIEXEC_FLAGS ${MPIEXEC_PREFLAGS})
set(PINT_MPI_TEST_ENV "")
set(PINT_MPIEXEC_QUIET_FLAG "")  # keeps the launcher's own notices (non-zero exit codes) quiet
if(MPIEXEC_EXECUTABLE)
  execute_process(COMMAND ${MPIEXEC_EXECUTABLE} --version OUTPUT_VARIABLE _pint_mpiexec_version
                  ERROR_QUIET)
  if(_pint_mpiexec_version MATCHES "Open MPI|OpenRTE")
    list(APPEND PINT_MPIEXEC_FLAGS --oversubscribe)
    set(PINT_MPIEXEC_QUIET_FLAG -q)
    # Root in containers and CI; shared-memory copies without ptrace permissions.
    set(PINT_MPI_TEST_ENV OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
                          OMPI_MCA_btl_vader_single_copy_mechanism=none
                          OMPI_MCA_rmaps_base_oversubscribe=1)
  endif()
endif()

# One rank per test process; threads per rank are left to the runtime.
function(pint_add_test name target)
  add_test(NAME ${name} COMMAND ${target} ${ARGN})
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "${PINT_MPI_TEST_ENV}" TIMEOUT 600)
endfunction()

# pint_add_mpi_test(<name> <target> [RANKS n...] [ARGS ...]) registers <name>_np<n>.
function(pint_add_mpi_test name target)
  cmake_parse_arguments(T "" "" "RANKS;ARGS" ${ARGN})
  if(NOT T_RANKS)
    set(T_RANKS ${PINT_TEST_RANKS})
  endif()
  foreach(np IN LISTS T_RANKS)
    add_test(NAME ${name}_np${np}
             COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${np} ${PINT_MPIEXEC_FLAGS}
                     $<TARGET_FILE:${target}> ${MPIEXEC_POSTFLAGS} ${T_ARGS})
    set_tests_properties(${name}_np${np} PROPERTIES
      ENVIRONMENT "${PINT_MPI_TEST_ENV};OMP_NUM_THREADS=1" PROCESSORS ${np} TIMEOUT 900
      LABELS "mpi")
  endforeach()
endfunction()
