// GoogleTest main for every pint test executable: owns the runtime (MPI, then
// Kokkos), lets only rank 0 print (every rank with PINT_TEST_ALL_RANKS=1 in the
// environment, to see another rank's failures), and makes every rank return the
// same status.
#include "pint/core/runtime.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

int main(int argc, char** argv) {
  pint::core::Runtime runtime(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  const char* all = std::getenv("PINT_TEST_ALL_RANKS");
  if (runtime.rank() != 0 && !(all && *all == '1')) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  int failed = RUN_ALL_TESTS();
  int any_failed = 0;
  MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, runtime.world());
  return any_failed;
}
