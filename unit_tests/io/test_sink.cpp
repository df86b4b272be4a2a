// The HDF5 trajectory sink: round trips (C API and h5py, bit for bit),
// streaming through bounded buffers, atomic files, failures, member blocks
// written together through MPI-IO.
#include "pint/io/file_names.hpp"
#include "pint/io/trajectory_sink.hpp"

#include "../test_category.hpp"
#include "io_test_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

namespace {

using pint::core::SolveDescription;
using pint::io::Hdf5TrajectorySink;
using pint::io::SinkOptions;
using namespace pint::test;

// Small buffers and chunks, so that a short trajectory crosses many blocks.
SinkOptions small_options(bool background = true, int compression = 0) {
  SinkOptions o;
  o.buffer_bytes = 5 * 3 * 2 * sizeof(double);  // 5 rows of 3 members x 2
  o.chunk_bytes = 2 * 3 * 2 * sizeof(double);   // 2 rows a chunk
  o.background = background;
  o.compression = compression;
  return o;
}

// The h5py side of a round trip: data, t, members and attributes.
std::string roundtrip_spec(const ScratchDir& dir, const std::string& file,
                           const SolveDescription& s, const Trajectory& tr) {
  write_bin(dir / "rows.bin", tr.rows);
  write_bin(dir / "times.bin", tr.times);
  const std::vector<hsize_t> shape = {static_cast<hsize_t>(s.saved_steps()), s.saved_members.size(),
                                      static_cast<hsize_t>(s.dim)};
  return "{\"file\": " + json(file) +
         ", \"datasets\": {\"data\": {\"bin\": " + json(dir / "rows.bin") +
         ", \"shape\": " + json_shape(shape) +
         ", \"virtual\": false}, \"t\": {\"bin\": " + json(dir / "times.bin") +
         ", \"shape\": " + json(std::vector<std::int64_t>{s.saved_steps()}) +
         "}}, \"int_datasets\": {\"members\": " + json(s.saved_members) +
         "}, \"attrs\": {\"data\": {\"t0\": " + json(s.t0) + ", \"t1\": " + json(s.t1) +
         ", \"h\": " + json(s.h) + ", \"n\": " + json(s.n) +
         ", \"iteration\": " + json(s.iteration) + ", \"slice\": " + json(s.slice) +
         ", \"integrator\": " + json(s.integrator) + ", \"system\": " + json(s.system) +
         ", \"save_every\": " + json(s.save_every) +
         ", \"member_begin\": " + json(s.saved_members.front()) +
         ", \"member_end\": " + json(s.saved_members.back() + 1) + "}}}";
}

void expect_round_trip(bool background, int compression) {
  ScratchDir dir("roundtrip");
  SolveDescription s = make_solve(/*slice=*/4, /*iteration=*/2, 0.25, 1.5, /*n=*/37,
                                  /*save_every=*/5, /*members=*/3);
  ASSERT_EQ(s.saved_steps(), 9);  // steps 0, 5, ..., 35 and 37
  const Trajectory tr = make_trajectory(s, 0, 3);
  Hdf5TrajectorySink sink(dir.path(), small_options(background, compression));
  EXPECT_EQ(sink.writes_in_background(), background);
  sink.begin(s);
  EXPECT_EQ(sink.buffer_steps(), 4);  // 5 rows fit, rounded down to whole chunks of 2
  EXPECT_EQ(sink.chunk_shape()[0], 2);
  stream(sink, s, tr);
  sink.commit();
  const std::string file = dir / pint::io::fine_file_name(2, 0.25, 1.5);
  EXPECT_EQ(sink.path(), file);
  EXPECT_EQ(dir.list(), std::vector<std::string>{"fine-0002-000250-001500.h5"});

  std::vector<hsize_t> dims;
  EXPECT_TRUE(same_bits(read_doubles(file, "data", &dims), tr.rows));
  EXPECT_EQ(dims, (std::vector<hsize_t>{9, 3, 2}));
  EXPECT_TRUE(same_bits(read_doubles(file, "t"), tr.times));
  EXPECT_EQ(tr.times.back(), 1.5);
  EXPECT_EQ(layout_of(file, "data"), H5D_CHUNKED);

  if (python_available()) {
    EXPECT_EQ(run_checker(dir / "spec.json", roundtrip_spec(dir, file, s, tr)), 0);
  }
}

TEST(TEST_CATEGORY, sink_round_trip_is_bit_exact_in_c_and_h5py) {
  expect_round_trip(true, 0);
}

TEST(TEST_CATEGORY, sink_round_trip_on_the_callers_thread_with_compression) {
  expect_round_trip(false, 6);
}

TEST(TEST_CATEGORY, sink_lends_its_buffer_for_rows_computed_in_place) {
  ScratchDir dir("zero_copy");
  const SolveDescription s = make_solve(1, 0, 1.0, 2.0, 40, 3, 3);  // 15 saved rows
  const Trajectory tr = make_trajectory(s, 0, 3);
  const std::int64_t row = s.local_members * s.dim;
  Hdf5TrajectorySink sink(dir.path(), small_options());
  sink.begin(s);
  std::int64_t want = 1;
  while (true) {
    const auto span = sink.next_rows(want++);
    if (span.count == 0) break;
    EXPECT_LE(span.count, sink.buffer_steps());
    for (std::int64_t i = 0; i < span.count; ++i) {  // "compute" row first + i in place
      span.times[i] = tr.times[static_cast<size_t>(span.first + i)];
      std::copy_n(tr.rows.begin() + (span.first + i) * row, row, span.rows + i * row);
    }
    const std::int64_t keep = std::max<std::int64_t>(1, span.count - 1);  // report fewer at times
    EXPECT_THROW(sink.filled(span.count + 1), std::invalid_argument);
    sink.next_rows(keep);  // lending again is allowed: the same place
    sink.filled(keep);
  }
  sink.commit();
  EXPECT_TRUE(same_bits(read_doubles(sink.path(), "data"), tr.rows));
  EXPECT_TRUE(same_bits(read_doubles(sink.path(), "t"), tr.times));
}

TEST(TEST_CATEGORY, sink_writes_one_file_per_solve_and_can_drop_older_iterations) {
  ScratchDir dir("iterations");
  SinkOptions options;
  options.keep_iterations = false;
  Hdf5TrajectorySink sink(dir.path(), options);
  for (int k = 0; k < 3; ++k) {
    for (int n = 0; n < 2; ++n) {
      const SolveDescription s = make_solve(n, k, n, n + 1, 10, 1, 4);
      sink.begin(s);
      stream(sink, s, make_trajectory(s, 0, 4));
      sink.commit();
    }
  }
  EXPECT_EQ(dir.list(), (std::vector<std::string>{pint::io::fine_file_name(2, 0, 1),
                                                  pint::io::fine_file_name(2, 1, 2)}));
}

TEST(TEST_CATEGORY, sink_abandon_leaves_no_file) {
  ScratchDir dir("abandon");
  const SolveDescription s = make_solve(0, 0, 0, 1, 100, 1, 3);
  const Trajectory tr = make_trajectory(s, 0, 3);
  {
    Hdf5TrajectorySink sink(dir.path(), small_options());
    sink.begin(s);
    sink.write(0, 40, tr.times.data(), tr.rows.data());  // several blocks already written
    sink.abandon();
    EXPECT_EQ(dir.list(), std::vector<std::string>{});
    // The sink is usable again after abandon().
    sink.begin(s);
    sink.write(0, 10, tr.times.data(), tr.rows.data());
    // Never the final name while open (the writer creates the temporary in
    // the background: it may not exist yet).
    for (const auto& name : dir.list())
      EXPECT_EQ(name, ".fine-0000-000000-001000.h5.partial");
  }  // destroyed with a solve open: abandoned
  EXPECT_EQ(dir.list(), std::vector<std::string>{});
}

TEST(TEST_CATEGORY, sink_failure_in_the_writer_reaches_the_caller_and_leaves_no_final_file) {
  ScratchDir dir("writer_failure");
  const SolveDescription s = make_solve(0, 0, 0, 1, 100, 1, 3);
  const Trajectory tr = make_trajectory(s, 0, 3);
  SinkOptions options = small_options();
  std::atomic<int> blocks{0};
  options.on_block_written = [&](std::int64_t) {
    if (++blocks == 2) throw std::runtime_error("injected disk failure");
  };
  Hdf5TrajectorySink sink(dir.path(), options);
  sink.begin(s);
  try {
    stream(sink, s, tr);
    sink.commit();
    FAIL() << "the writer's failure did not reach the caller";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "injected disk failure");
  }
  // Interrupted: only the temporary exists, never the final name.
  EXPECT_EQ(dir.list(), std::vector<std::string>{".fine-0000-000000-001000.h5.partial"});
  EXPECT_THROW(sink.commit(), std::exception);
  EXPECT_EQ(dir.list(), std::vector<std::string>{".fine-0000-000000-001000.h5.partial"});
  sink.abandon();
  EXPECT_EQ(dir.list(), std::vector<std::string>{});
  // A new solve starts clean.
  blocks = 100;
  sink.begin(s);
  stream(sink, s, tr);
  sink.commit();
  EXPECT_TRUE(same_bits(read_doubles(sink.path(), "data"), tr.rows));
}

TEST(TEST_CATEGORY, sink_deferred_commit_completes_at_flush_and_reports_its_failure) {
  ScratchDir dir("deferred");
  const SolveDescription s = make_solve(0, 0, 0, 1, 100, 1, 3);
  const Trajectory tr = make_trajectory(s, 0, 3);
  SinkOptions options = small_options();
  options.deferred_commit = true;
  std::atomic<bool> fail{false};
  options.on_block_written = [&](std::int64_t rows) {
    if (fail && rows == s.saved_steps()) throw std::runtime_error("injected failure at the end");
  };
  Hdf5TrajectorySink sink(dir.path(), options);
  sink.begin(s);
  stream(sink, s, tr);
  sink.commit();  // returns before the close and rename
  sink.flush();
  EXPECT_EQ(dir.list(), std::vector<std::string>{"fine-0000-000000-001000.h5"});
  EXPECT_EQ(sink.files_committed(), 1);
  EXPECT_TRUE(same_bits(read_doubles(sink.path(), "data"), tr.rows));

  // The last block fails after commit() returned: flush() throws, and neither
  // the final name nor the temporary is left.
  SolveDescription next = make_solve(1, 1, 1, 2, 100, 1, 3);
  const Trajectory tn = make_trajectory(next, 0, 3);
  fail = true;
  sink.begin(next);
  stream(sink, next, tn);
  sink.commit();
  EXPECT_THROW(sink.flush(), std::runtime_error);
  EXPECT_EQ(dir.list(), std::vector<std::string>{"fine-0000-000000-001000.h5"});
  EXPECT_EQ(sink.files_committed(), 1);
  // The sink is usable again.
  fail = false;
  sink.begin(next);
  stream(sink, next, tn);
  sink.commit();
  sink.flush();
  EXPECT_EQ(sink.files_committed(), 2);
  EXPECT_TRUE(same_bits(read_doubles(sink.path(), "data"), tn.rows));
}

TEST(TEST_CATEGORY, sink_refuses_misuse_with_messages) {
  ScratchDir dir("misuse");
  EXPECT_THROW(Hdf5TrajectorySink(dir / "missing"), std::invalid_argument);
  SinkOptions bad;
  bad.compression = 10;
  EXPECT_THROW(Hdf5TrajectorySink(dir.path(), bad), std::invalid_argument);

  Hdf5TrajectorySink sink(dir.path());
  SolveDescription s = make_solve(0, 0, 0, 1, 10, 3, 3);
  const Trajectory tr = make_trajectory(s, 0, 3);
  EXPECT_THROW(sink.write(0, 1, tr.times.data(), tr.rows.data()), std::logic_error);
  SolveDescription partial = s;
  partial.local_members = 2;  // a block of members needs a communicator
  try {
    sink.begin(partial);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("SinkOptions::comm"), std::string::npos) << e.what();
  }
  SolveDescription unsorted = s;
  unsorted.saved_members = {2, 1, 0};
  EXPECT_THROW(sink.begin(unsorted), std::invalid_argument);

  sink.begin(s);
  EXPECT_THROW(sink.begin(s), std::logic_error);
  EXPECT_THROW(sink.write(1, 1, tr.times.data(), tr.rows.data()), std::invalid_argument);
  EXPECT_THROW(sink.write(0, 6, tr.times.data(), tr.rows.data()), std::out_of_range);
  sink.write(0, 2, tr.times.data(), tr.rows.data());
  EXPECT_THROW(sink.commit(), std::logic_error);  // rows missing
  sink.write(2, 3, tr.times.data() + 2, tr.rows.data() + 2 * 6);
  sink.commit();
  EXPECT_TRUE(same_bits(read_doubles(sink.path(), "data"), tr.rows));
}

// Ranks of `comm` share each file: rank r writes its block of `members`.
void expect_shared_file(MPI_Comm comm, std::int64_t members, int compression, int slice,
                        const std::string& dir) {
  const int rank = world_rank(comm), size = world_size(comm);
  SolveDescription s = make_solve(slice, 1, slice, slice + 1.0, 29, 4, members);
  // Uneven blocks: the first members % size ranks get one more.
  const std::int64_t base = members / size, extra = members % size;
  s.local_members = base + (rank < extra ? 1 : 0);
  s.member_offset = rank * base + std::min<std::int64_t>(rank, extra);
  const Trajectory mine = make_trajectory(s, s.member_offset, s.local_members);
  SinkOptions options = small_options(true, compression);
  options.comm = comm;
  Hdf5TrajectorySink sink(dir, options);
  int level = MPI_THREAD_SINGLE;
  MPI_Query_thread(&level);
  EXPECT_EQ(sink.writes_in_background(), level == MPI_THREAD_MULTIPLE || size == 1);
  sink.begin(s);
  stream(sink, s, mine);
  sink.commit();
  if (rank == 0) {
    SolveDescription whole = s;
    whole.local_members = members;
    const Trajectory all = make_trajectory(whole, 0, members);
    EXPECT_TRUE(same_bits(read_doubles(sink.path(), "data"), all.rows)) << sink.path();
    EXPECT_TRUE(same_bits(read_doubles(sink.path(), "t"), all.times));
  }
}

TEST(TEST_CATEGORY, sink_member_blocks_share_one_file_through_mpi_io) {
  ScratchDir dir("shared", MPI_COMM_WORLD);
  expect_shared_file(MPI_COMM_WORLD, 7, 0, 0, dir.path());
  // More ranks than members: a rank with no members still takes part.
  expect_shared_file(MPI_COMM_WORLD, 3, 0, 1, dir.path());
  // Collective writes allow compression with MPI-IO.
  expect_shared_file(MPI_COMM_WORLD, 5, 3, 2, dir.path());
  MPI_Barrier(MPI_COMM_WORLD);
  if (world_rank() == 0) {
    EXPECT_EQ(dir.list(), (std::vector<std::string>{pint::io::fine_file_name(1, 0, 1),
                                                    pint::io::fine_file_name(1, 1, 2),
                                                    pint::io::fine_file_name(1, 2, 3)}));
  }
}

TEST(TEST_CATEGORY, sink_groups_of_ranks_write_their_own_slices) {
  // Time ranks x member ranks: groups of two ranks share a slice's file.
  const int rank = world_rank();
  MPI_Comm group;
  MPI_Comm_split(MPI_COMM_WORLD, rank / 2, rank, &group);
  ScratchDir dir("groups", MPI_COMM_WORLD);
  expect_shared_file(group, 6, 0, rank / 2, dir.path());
  MPI_Comm_free(&group);
}

TEST(TEST_CATEGORY, sink_member_blocks_must_tile_the_saved_members) {
  const int rank = world_rank(), size = world_size();
  if (size == 1) GTEST_SKIP() << "needs ranks that share a file";
  ScratchDir dir("tiling", MPI_COMM_WORLD);
  SolveDescription s = make_solve(0, 0, 0, 1, 10, 1, size);
  s.local_members = 1;
  s.member_offset = rank == 1 ? 0 : rank;  // ranks 0 and 1 both claim member 0
  SinkOptions options;
  options.comm = MPI_COMM_WORLD;
  Hdf5TrajectorySink sink(dir.path(), options);
  try {
    sink.begin(s);
    FAIL() << "overlapping member blocks were accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("exactly once"), std::string::npos) << e.what();
  }
}

}  // namespace
