// trajectory.h5 (virtual datasets over the per-slice files) and combine().
#include "pint/io/error.hpp"
#include "pint/io/file_names.hpp"
#include "pint/io/stitch.hpp"
#include "pint/io/trajectory_sink.hpp"

#include "../test_category.hpp"
#include "io_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace {

using namespace pint::test;

// Three slices over [0, 0.5, 1.25, 2]; slice 0's final file is from
// iteration 1, the others from iteration 2 (slice 0 was exact earlier), and
// older iterations lie beside them.
struct SlicedRun {
  std::vector<double> boundaries = {0.0, 0.5, 1.25, 2.0};
  std::vector<int> final_iteration = {1, 2, 2};
  std::vector<double> rows, times;  // the expected stitched result
  std::int64_t members = 3, dim = 2;
  std::vector<pint::io::SolveFile> written;  // the sink's descriptions of its files
};

SlicedRun write_slices(const std::string& dir) {
  SlicedRun run;
  pint::io::Hdf5TrajectorySink sink(dir);
  for (int n = 0; n < 3; ++n) {
    for (int k = 0; k <= run.final_iteration[static_cast<size_t>(n)]; ++k) {
      const auto s =
          make_solve(n, k, run.boundaries[static_cast<size_t>(n)],
                     run.boundaries[static_cast<size_t>(n) + 1], 10 + 3 * n, 3, run.members);
      Trajectory tr = make_trajectory(s, 0, run.members);
      if (n > 0) {  // slice n starts where slice n-1 ended
        std::copy(run.rows.end() - run.members * run.dim, run.rows.end(), tr.rows.begin());
      }
      sink.begin(s);
      stream(sink, s, tr);
      sink.commit();
      if (k == run.final_iteration[static_cast<size_t>(n)]) {
        const std::int64_t skip = n > 0 ? 1 : 0;  // boundary rows once
        run.rows.insert(run.rows.end(), tr.rows.begin() + skip * run.members * run.dim,
                        tr.rows.end());
        run.times.insert(run.times.end(), tr.times.begin() + skip, tr.times.end());
      }
    }
  }
  run.written = sink.written_files();
  return run;
}

std::string result_spec(const ScratchDir& dir, const std::string& file, const SlicedRun& run,
                        bool is_virtual) {
  write_bin(dir / "rows.bin", run.rows);
  write_bin(dir / "times.bin", run.times);
  const auto steps = static_cast<std::int64_t>(run.times.size());
  return "{\"file\": " + json(file) +
         ", \"datasets\": {\"data\": {\"bin\": " + json(dir / "rows.bin") +
         ", \"shape\": " + json(std::vector<std::int64_t>{steps, run.members, run.dim}) +
         ", \"virtual\": " + (is_virtual ? "true" : "false") +
         "}, \"t\": {\"bin\": " + json(dir / "times.bin") +
         ", \"shape\": " + json(std::vector<std::int64_t>{steps}) +
         ", \"virtual\": " + (is_virtual ? "true" : "false") +
         "}}, \"int_datasets\": {\"members\": [0, 1, 2], \"slice_iterations\": [1, 2, 2]}, "
         "\"string_datasets\": {\"slice_files\": " +
         "[\"fine-0001-000000-000500.h5\", \"fine-0002-000500-001250.h5\", "
         "\"fine-0002-001250-002000.h5\"]}, "
         "\"attrs\": {\"/\": {\"slices\": 3, \"system\": \"oscillator\", \"omega0\": 1.5, "
         "\"zeta\": 0.25, \"label\": \"test\"}}}";
}

TEST(TEST_CATEGORY, stitched_result_is_the_concatenation_without_repeated_boundaries) {
  if (world_rank() != 0) return;  // a serial operation
  ScratchDir dir("stitch");
  const SlicedRun run = write_slices(dir.path());
  pint::io::StitchOptions options;
  options.attributes = {{"omega0", 1.5}, {"zeta", 0.25}, {"label", "test"}};
  options.keep_older_iterations = false;
  const auto files = pint::io::final_slice_files(dir.path(), run.boundaries, run.final_iteration);
  const std::string result = pint::io::write_stitched(dir.path(), files, options);
  EXPECT_EQ(result, dir / "trajectory.h5");
  // The older iterations are gone, the final ones and the result remain.
  EXPECT_EQ(dir.list(),
            (std::vector<std::string>{"fine-0001-000000-000500.h5", "fine-0002-000500-001250.h5",
                                      "fine-0002-001250-002000.h5", "trajectory.h5"}));

  std::vector<hsize_t> dims;
  EXPECT_EQ(layout_of(result, "data"), H5D_VIRTUAL);
  EXPECT_TRUE(same_bits(read_doubles(result, "data", &dims), run.rows));
  EXPECT_EQ(dims, (std::vector<hsize_t>{static_cast<hsize_t>(run.times.size()), 3, 2}));
  EXPECT_TRUE(same_bits(read_doubles(result, "t"), run.times));
  EXPECT_EQ(read_doubles(result, "boundaries"), run.boundaries);

  const std::string combined = dir / "combined.h5";
  pint::io::combine(result, combined);
  EXPECT_EQ(layout_of(combined, "data"), H5D_CHUNKED);
  EXPECT_TRUE(same_bits(read_doubles(combined, "data"), run.rows));
  EXPECT_TRUE(same_bits(read_doubles(combined, "t"), run.times));

  if (python_available()) {
    EXPECT_EQ(run_checker(dir / "spec.json", result_spec(dir, result, run, true)), 0);
    EXPECT_EQ(run_checker(dir / "spec.json", result_spec(dir, combined, run, false)), 0);
  }

  // The directory may move: sources are found relative to trajectory.h5.
  ScratchDir moved("stitch_moved");
  for (const auto& name : dir.list())
    fs::copy_file(dir / name, moved / name);
  EXPECT_TRUE(same_bits(read_doubles(moved / "trajectory.h5", "data"), run.rows));

  // combine() refuses a result whose sources are missing instead of filling in NaN.
  fs::remove(moved / "fine-0002-000500-001250.h5");
  try {
    pint::io::combine(moved / "trajectory.h5", moved / "combined2.h5");
    FAIL() << "combined a result with a missing source file";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("fine-0002-000500-001250.h5"), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(moved / "combined2.h5"));
}

TEST(TEST_CATEGORY, write_stitched_takes_the_sinks_descriptions_instead_of_reading_the_files) {
  if (world_rank() != 0) return;
  ScratchDir dir("stitch_known");
  const SlicedRun run = write_slices(dir.path());
  // The sink describes each file it wrote as reading it back does.
  ASSERT_EQ(run.written.size(), 2u + 3u + 3u);
  for (const auto& w : run.written) {
    const auto r = pint::io::read_solve_file(w.path);
    EXPECT_EQ(w.path, r.path);
    EXPECT_EQ(w.system, r.system);
    EXPECT_EQ(w.integrator, r.integrator);
    EXPECT_EQ(w.iteration, r.iteration);
    EXPECT_EQ(w.slice, r.slice);
    EXPECT_EQ(w.t0, r.t0);
    EXPECT_EQ(w.t1, r.t1);
    EXPECT_EQ(w.n, r.n);
    EXPECT_EQ(w.save_every, r.save_every);
    EXPECT_EQ(w.ensemble_size, r.ensemble_size);
    EXPECT_EQ(w.steps, r.steps);
    EXPECT_EQ(w.dim, r.dim);
    EXPECT_EQ(w.members, r.members);
    EXPECT_EQ(w.first_time, r.first_time);
    EXPECT_EQ(w.last_time, r.last_time);
  }
  const auto files = pint::io::final_slice_files(dir.path(), run.boundaries, run.final_iteration);
  pint::io::StitchOptions options;
  options.known = run.written;
  const std::string result = pint::io::write_stitched(dir.path(), files, options);
  EXPECT_TRUE(same_bits(read_doubles(result, "data"), run.rows));
  EXPECT_TRUE(same_bits(read_doubles(result, "t"), run.times));
  // A known description is used as given (the file is not read): one that
  // does not join is refused although the file would join.
  fs::remove(result);
  const auto first = std::find_if(options.known.begin(), options.known.end(),
                                  [&](const auto& k) { return k.path == files[0]; });
  ASSERT_NE(first, options.known.end());
  first->last_time += 0.125;
  EXPECT_THROW(pint::io::write_stitched(dir.path(), files, options), std::invalid_argument);
  EXPECT_FALSE(fs::exists(result));
}

TEST(TEST_CATEGORY, write_stitched_refuses_files_that_do_not_join) {
  if (world_rank() != 0) return;
  ScratchDir dir("stitch_refuse");
  const SlicedRun run = write_slices(dir.path());
  auto files = pint::io::final_slice_files(dir.path(), run.boundaries, run.final_iteration);
  std::swap(files[1], files[2]);
  try {
    pint::io::write_stitched(dir.path(), files);
    FAIL() << "stitched slices out of order";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("in slice order"), std::string::npos) << e.what();
  }
  files = pint::io::final_slice_files(dir.path(), run.boundaries, {3});
  try {
    pint::io::write_stitched(dir.path(), files);
    FAIL() << "stitched files that do not exist";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("was not committed"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "trajectory.h5"));
  EXPECT_THROW(pint::io::final_slice_files(dir.path(), run.boundaries, {1, 2}),
               std::invalid_argument);
}

TEST(TEST_CATEGORY, hdf5_errors_become_exceptions_naming_file_and_operation) {
  ScratchDir dir("errors");
  const std::string not_hdf5 = dir / "fine-0000-000000-001000.h5";
  std::ofstream(not_hdf5) << "not an HDF5 file";
  testing::internal::CaptureStderr();
  try {
    pint::io::combine(not_hdf5, dir / "out.h5");
    FAIL() << "combine() accepted a text file";
  } catch (const pint::io::Hdf5Error& e) {
    EXPECT_EQ(e.file(), not_hdf5);
    EXPECT_EQ(e.operation(), "open");
    EXPECT_NE(std::string(e.what()).find("H5Fopen"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Check that"), std::string::npos) << e.what();
  }
  // HDF5 printed nothing itself: the stack is in the exception only.
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

}  // namespace
