// run.h5, written by every rank through MPI-IO (or gathered on rank 0).
#include "pint/io/run_file.hpp"

#include "../test_category.hpp"
#include "io_test_support.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using namespace pint::test;

constexpr std::int64_t kDim = 2;

double boundary_value(std::int64_t b, std::int64_t m, std::int64_t c) {
  return test_value(b, m + 50, c);
}

// Ranks own contiguous blocks of 2 slices each (the last rank also any rest);
// with 4 ranks, ranks 2 and 3 split the members of their slices instead
// (a 2-D decomposition).
pint::io::RunRecord make_record(int rank, int size) {
  pint::io::RunRecord r;
  r.slices = 2 * size + 1;
  r.members = 5;
  r.dim = kDim;
  for (std::int64_t b = 0; b <= r.slices; ++b)
    r.boundary_times.push_back(0.5 * b);
  const std::int64_t first_slice = 2 * rank;
  const std::int64_t last_slice = rank == size - 1 ? r.slices : first_slice + 2;  // exclusive
  r.first_boundary = rank == 0 ? 0 : first_slice + 1;
  r.boundary_count = last_slice + 1 - r.first_boundary;
  r.member_offset = 0;
  r.local_members = r.members;
  if (size == 4 && rank >= 2) {  // ranks 2 and 3 share slices 4 .. 8 by members
    r.first_boundary = 5;
    r.boundary_count = r.slices + 1 - 5;
    r.member_offset = rank == 2 ? 0 : 2;
    r.local_members = rank == 2 ? 2 : 3;
  }
  for (std::int64_t b = r.first_boundary; b < r.first_boundary + r.boundary_count; ++b) {
    for (std::int64_t m = r.member_offset; m < r.member_offset + r.local_members; ++m) {
      for (std::int64_t c = 0; c < kDim; ++c)
        r.boundary_states.push_back(boundary_value(b, m, c));
    }
  }
  r.convergence = {0.5, 0.01, 3e-5};
  r.phases = {"coarse", "fine", "communication"};
  r.timings = {10.0 * rank + 1, 10.0 * rank + 2, 10.0 * rank + 3};
  r.config = {{"omega0", 1.0}, {"zeta", 0.5}, {"slices", r.slices}, {"integrator", "euler"}};
  return r;
}

void expect_run_file(bool gather) {
  const int rank = world_rank(), size = world_size();
  ScratchDir dir(gather ? "run_gather" : "run", MPI_COMM_WORLD);
  const auto record = make_record(rank, size);
  pint::io::RunFileOptions options;
  options.gather_on_rank0 = gather;
  const auto result = pint::io::write_run_file(dir / "run.h5", record, MPI_COMM_WORLD, options);
  EXPECT_EQ(result.collective, !gather);
  EXPECT_EQ(result.path, dir / "run.h5");
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank != 0) return;
  EXPECT_EQ(dir.list(), std::vector<std::string>{"run.h5"});
  std::vector<double> expected;
  for (std::int64_t b = 0; b <= record.slices; ++b) {
    for (std::int64_t m = 0; m < record.members; ++m) {
      for (std::int64_t c = 0; c < kDim; ++c)
        expected.push_back(boundary_value(b, m, c));
    }
  }
  std::vector<hsize_t> dims;
  EXPECT_TRUE(same_bits(read_doubles(dir / "run.h5", "boundary_states", &dims), expected));
  EXPECT_EQ(dims, (std::vector<hsize_t>{static_cast<hsize_t>(record.slices + 1), 5, 2}));
  std::vector<double> timings;
  for (int r = 0; r < size; ++r) {
    for (double t : {1.0, 2.0, 3.0})
      timings.push_back(10.0 * r + t);
  }
  EXPECT_EQ(read_doubles(dir / "run.h5", "timings", &dims), timings);
  EXPECT_EQ(dims, (std::vector<hsize_t>{static_cast<hsize_t>(size), 3}));
  EXPECT_EQ(read_doubles(dir / "run.h5", "convergence"), record.convergence);
  EXPECT_EQ(read_doubles(dir / "run.h5", "boundary_times"), record.boundary_times);

  if (python_available()) {
    write_bin(dir / "states.bin", expected);
    write_bin(dir / "timings.bin", timings);
    write_bin(dir / "convergence.bin", record.convergence);
    const std::string spec =
        "{\"file\": " + json(dir / "run.h5") +
        ", \"datasets\": {\"boundary_states\": {\"bin\": " + json(dir / "states.bin") +
        ", \"shape\": " + json(std::vector<std::int64_t>{record.slices + 1, 5, 2}) +
        "}, \"timings\": {\"bin\": " + json(dir / "timings.bin") +
        ", \"shape\": " + json(std::vector<std::int64_t>{size, 3}) +
        "}, \"convergence\": {\"bin\": " + json(dir / "convergence.bin") +
        ", \"shape\": [3]}}, \"attrs\": {\"/\": {\"omega0\": " +
        "1.0, \"zeta\": 0.5, \"slices\": " + json(record.slices) +
        ", \"integrator\": \"euler\", \"ranks\": " + json(size) +
        ", \"iterations\": 3, \"written_collectively\": " + (gather ? "0" : "1") +
        "}, \"timings\": {\"phases\": [\"coarse\", \"fine\", \"communication\"]}}}";
    EXPECT_EQ(run_checker(dir / "spec.json", spec), 0);
  }
}

TEST(TEST_CATEGORY, run_file_holds_every_ranks_rows_in_place) {
  expect_run_file(false);
}

TEST(TEST_CATEGORY, run_file_gathered_on_rank_zero_is_the_same) {
  expect_run_file(true);
}

// A run without iterations (the sequential reference) has an empty history.
TEST(TEST_CATEGORY, run_file_with_an_empty_convergence_history) {
  const int rank = world_rank(), size = world_size();
  for (const bool gather : {false, true}) {
    ScratchDir dir(gather ? "run_empty_gather" : "run_empty", MPI_COMM_WORLD);
    auto record = make_record(rank, size);
    record.convergence.clear();
    pint::io::RunFileOptions options;
    options.gather_on_rank0 = gather;
    pint::io::write_run_file(dir / "run.h5", record, MPI_COMM_WORLD, options);
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
      std::vector<hsize_t> dims;
      EXPECT_TRUE(read_doubles(dir / "run.h5", "convergence", &dims).empty());
      EXPECT_EQ(dims, std::vector<hsize_t>{0});
    }
  }
}

void expect_refused(const pint::io::RunRecord& record, const std::string& expected,
                    const ScratchDir& dir) {
  try {
    pint::io::write_run_file(dir / "run.h5", record, MPI_COMM_WORLD);
    ADD_FAILURE() << "an inconsistent record was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (world_rank() == 0) {
    EXPECT_EQ(dir.list(), std::vector<std::string>{});
  }
}

TEST(TEST_CATEGORY, run_file_refuses_inconsistent_records_on_every_rank) {
  const int rank = world_rank(), size = world_size();
  ScratchDir dir("run_refuse", MPI_COMM_WORLD);
  const auto good = make_record(rank, size);

  auto wrong_count = good;  // rank 0 passes one value too few
  if (rank == 0) wrong_count.boundary_states.pop_back();
  expect_refused(wrong_count, "rank 0 passes", dir);

  if (size > 1) {
    auto overlapping = good;  // the last rank also claims boundary 0
    if (rank == size - 1) {
      overlapping.first_boundary = 0;
      overlapping.boundary_count = 1;
      overlapping.member_offset = 0;
      overlapping.local_members = good.members;
      overlapping.boundary_states.assign(static_cast<size_t>(good.members * kDim), 1.0);
    }
    expect_refused(overlapping, "passes too", dir);

    auto different = good;  // the last rank has another configuration
    if (rank == size - 1) different.config[0].value = 2.0;
    expect_refused(different, "give every rank the same ones", dir);
  }
}

}  // namespace
