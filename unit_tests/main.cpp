// GoogleTest main for every pint test executable: owns the runtime (MPI, then
// Kokkos), lets rank 0 print the whole report and the other ranks only their
// failures (each line marked with its rank; every rank prints everything with
// PINT_TEST_ALL_RANKS=1 in the environment), and makes every rank return the
// same status.
#include "pint/core/runtime.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

namespace {

// What a rank other than 0 prints: the failed assertions, with file, line and
// message, and the names of the tests that failed there.
class FailuresOnly : public ::testing::EmptyTestEventListener {
 public:
  explicit FailuresOnly(int rank) : rank_(rank) {}

  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (!result.failed()) return;
    std::fprintf(stderr, "[rank %d] %s:%d: Failure\n", rank_,
                 result.file_name() ? result.file_name() : "unknown file", result.line_number());
    // Every line of the message marked, so that it stays readable among the
    // other ranks' output.
    std::istringstream message(result.message());
    for (std::string line; std::getline(message, line);)
      std::fprintf(stderr, "[rank %d] %s\n", rank_, line.c_str());
  }
  void OnTestEnd(const ::testing::TestInfo& info) override {
    if (info.result()->Failed())
      std::fprintf(stderr, "[rank %d] [  FAILED  ] %s.%s\n", rank_, info.test_suite_name(),
                   info.name());
  }

 private:
  int rank_;
};

}  // namespace

int main(int argc, char** argv) {
  pint::core::Runtime runtime(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  const char* all = std::getenv("PINT_TEST_ALL_RANKS");
  if (runtime.rank() != 0 && !(all && *all == '1')) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new FailuresOnly(runtime.rank()));
  }
  int failed = RUN_ALL_TESTS();
  int any_failed = 0;
  MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, runtime.world());
  return any_failed;
}
