// io::HoldingSink: each slice's file written once. Solves are held in memory
// within a budget until finish() names each slice's final one; a solve the
// caller calls final, and every solve beyond the budget, streams to its file
// at once. Files are read back bit for bit.
#include "pint/io/file_names.hpp"
#include "pint/io/holding_sink.hpp"
#include "pint/io/trajectory_sink.hpp"

#include "../test_category.hpp"
#include "io_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace {

using pint::core::SolveDescription;
using pint::io::Hdf5TrajectorySink;
using pint::io::HoldingSink;
using pint::io::HoldOptions;
using namespace pint::test;

// Slice n spans [n, n + 1]; 10 steps, every step saved, 3 members x 2: 11 rows.
SolveDescription solve_of(int slice, int iteration) {
  return make_solve(slice, iteration, slice, slice + 1, 10, 1, 3);
}
constexpr std::int64_t solve_bytes = 11 * (3 * 2 + 1) * 8;

// Streams a solve through the sink's lent rows when it lends, else write().
void produce(pint::core::TrajectorySink& sink, const SolveDescription& s, bool commit = true) {
  const Trajectory tr = make_trajectory(s, 0, 3);
  const std::int64_t row = s.local_members * s.dim;
  sink.begin(s);
  for (std::int64_t first = 0; first < s.saved_steps();) {
    const auto span = sink.next_rows(4);
    if (span.rows == nullptr) {
      const std::int64_t count = std::min<std::int64_t>(4, s.saved_steps() - first);
      sink.write(first, count, tr.times.data() + first, tr.rows.data() + first * row);
      first += count;
      continue;
    }
    ASSERT_EQ(span.first, first);
    std::copy_n(tr.times.begin() + first, span.count, span.times);
    std::copy_n(tr.rows.begin() + first * row, span.count * row, span.rows);
    sink.filled(span.count);
    first += span.count;
  }
  if (commit) sink.commit();
}

std::string file_of(int slice, int iteration) {
  return pint::io::fine_file_name(iteration, slice, slice + 1);
}

void expect_file_holds(const ScratchDir& dir, int slice, int iteration) {
  const SolveDescription s = solve_of(slice, iteration);
  const Trajectory tr = make_trajectory(s, 0, 3);
  EXPECT_TRUE(same_bits(read_doubles(dir / file_of(slice, iteration), "data"), tr.rows))
      << file_of(slice, iteration);
  EXPECT_TRUE(same_bits(read_doubles(dir / file_of(slice, iteration), "t"), tr.times));
}

TEST(TEST_CATEGORY, holding_sink_writes_each_slices_final_solve_once) {
  ScratchDir dir("holding");
  Hdf5TrajectorySink files(dir.path());
  HoldOptions options;
  options.budget_bytes = 10 * solve_bytes;
  HoldingSink sink(files, options);
  // Iterations 1..3 of slices 1 and 2; none is known final before finish().
  for (int k = 1; k <= 3; ++k) {
    produce(sink, solve_of(1, k));
    produce(sink, solve_of(2, k));
  }
  EXPECT_EQ(dir.list(), std::vector<std::string>{}) << "nothing reaches the disk while held";
  EXPECT_EQ(sink.solves_held(), 6);
  EXPECT_EQ(sink.solves_streamed(), 0);
  EXPECT_EQ(sink.held_bytes(), 4 * solve_bytes) << "the two newest of each slice are held";
  // A speculative solve of iteration 4, abandoned: the held ones stay.
  produce(sink, solve_of(1, 4), false);
  sink.abandon();
  EXPECT_EQ(sink.held_bytes(), 4 * solve_bytes);
  // The run stopped with slice 1's iteration 3 and slice 2's iteration 2 final.
  sink.finish({{1, 3}, {2, 2}});
  EXPECT_EQ(dir.list(), (std::vector<std::string>{file_of(2, 2), file_of(1, 3)}));  // sorted
  expect_file_holds(dir, 1, 3);
  expect_file_holds(dir, 2, 2);
  EXPECT_EQ(sink.held_bytes(), 0);
}

TEST(TEST_CATEGORY, holding_sink_streams_final_solves_and_those_beyond_the_budget) {
  ScratchDir dir("holding_streams");
  Hdf5TrajectorySink files(dir.path());
  HoldOptions options;
  options.budget_bytes = solve_bytes;  // room for one solve
  options.final = [](int k, int n) { return k > n; };
  HoldingSink sink(files, options);
  produce(sink, solve_of(0, 1));  // final: its file at once
  EXPECT_EQ(dir.list(), std::vector<std::string>{file_of(0, 1)});
  produce(sink, solve_of(2, 1));  // held: the budget's one solve
  produce(sink, solve_of(3, 1));  // beyond the budget: streamed
  EXPECT_EQ(dir.list(), (std::vector<std::string>{file_of(0, 1), file_of(3, 1)}));
  EXPECT_EQ(sink.solves_held(), 1);
  EXPECT_EQ(sink.solves_streamed(), 2);
  sink.finish({{0, 1}, {2, 1}, {3, 1}});
  EXPECT_EQ(dir.list(), (std::vector<std::string>{file_of(0, 1), file_of(2, 1), file_of(3, 1)}));
  for (int n : {0, 2, 3})
    expect_file_holds(dir, n, 1);
}

TEST(TEST_CATEGORY, holding_sink_with_no_budget_streams_everything) {
  ScratchDir dir("holding_none");
  Hdf5TrajectorySink files(dir.path());
  HoldingSink sink(files, HoldOptions{});
  produce(sink, solve_of(0, 1));
  produce(sink, solve_of(1, 1), false);
  // Streamed, not held: its rows went to the file's writer (which creates the
  // temporary file in the background), none are held.
  EXPECT_EQ(sink.held_bytes(), 0);
  EXPECT_EQ(sink.solves_held(), 0);
  sink.abandon();
  EXPECT_EQ(dir.list(), std::vector<std::string>{file_of(0, 1)});
  EXPECT_THROW(HoldingSink(files, HoldOptions{-1, {}}), std::invalid_argument);
}

}  // namespace
