#include "pint/io/file_names.hpp"

#include "../test_category.hpp"
#include "io_test_support.hpp"

#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace {

using pint::io::check_unique_file_names;
using pint::io::fine_file_name;

std::vector<double> linspace(double a, double b, int n) {
  std::vector<double> t;
  for (int i = 0; i < n; ++i)
    t.push_back(i == n - 1 ? b : a + i * ((b - a) / (n - 1)));
  return t;
}

TEST(TEST_CATEGORY, fine_file_name_follows_the_seed) {
  EXPECT_EQ(fine_file_name(0, 0.0, 0.7894736842105263), "fine-0000-000000-000789.h5");
  EXPECT_EQ(fine_file_name(12, 14.210526315789474, 15.0), "fine-0012-014210-015000.h5");
  // Truncation toward zero, as Python's int(): -1.5 thousandths -> -1.
  EXPECT_EQ(fine_file_name(1, -0.0015, 0.0019), "fine-0001--00001-000001.h5");
  EXPECT_THROW(fine_file_name(-1, 0, 1), std::invalid_argument);
  EXPECT_THROW(fine_file_name(0, 0, std::nan("")), std::invalid_argument);
  EXPECT_EQ(pint::io::partial_path("/a/b/fine-0000-000000-000001.h5"),
            "/a/b/.fine-0000-000000-000001.h5.partial");
  EXPECT_EQ(pint::io::partial_path("run.h5"), ".run.h5.partial");
}

TEST(TEST_CATEGORY, fine_file_names_equal_pythons) {
  if (!pint::test::python_available()) GTEST_SKIP() << "no Python with h5py and numpy";
  if (pint::test::world_rank() != 0) return;
  const auto t = linspace(0.0, 15.0, 20);  // the seed's time points
  for (int k : {0, 7}) {
    std::string cmd =
        std::string(PINT_TEST_PYTHON) + " " + PINT_TEST_CHECK_H5 + " --names " + std::to_string(k);
    for (double v : t)
      cmd += " " + pint::test::json(v);
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
    ASSERT_TRUE(pipe);
    std::array<char, 256> line{};
    for (size_t n = 0; n + 1 < t.size(); ++n) {
      ASSERT_NE(fgets(line.data(), line.size(), pipe.get()), nullptr);
      EXPECT_EQ(std::string(line.data()), fine_file_name(k, t[n], t[n + 1]) + "\n");
    }
  }
}

TEST(TEST_CATEGORY, check_unique_file_names_accepts_the_seed_and_refuses_collisions) {
  EXPECT_NO_THROW(check_unique_file_names(linspace(0.0, 15.0, 20)));
  EXPECT_NO_THROW(check_unique_file_names(linspace(0.0, 1.0, 1001)));  // exactly 0.001 apart
  try {
    check_unique_file_names({0.0, 1.0, 1.0002, 1.0004, 2.0});
    FAIL() << "colliding slices were accepted";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("slices 1 ["), std::string::npos) << what;
    EXPECT_NE(what.find("and 2 ["), std::string::npos) << what;
    EXPECT_NE(what.find("fine-0000-001000-001000.h5"), std::string::npos) << what;
    EXPECT_NE(what.find("at least 0.001"), std::string::npos) << what;
  }
  EXPECT_THROW(check_unique_file_names(linspace(0.0, 0.01, 40)), std::invalid_argument);
}

TEST(TEST_CATEGORY, remove_older_iterations_keeps_the_newest_and_foreign_files) {
  pint::test::ScratchDir dir("names");
  for (const std::string& name :
       {fine_file_name(0, 0, 1), fine_file_name(1, 0, 1), fine_file_name(2, 0, 1),
        fine_file_name(0, 1, 2), std::string("notes.txt")}) {
    std::ofstream(dir / name) << "x";
  }
  EXPECT_EQ(pint::io::remove_older_iterations(dir.path(), 2, 0, 1), 2);
  EXPECT_EQ(dir.list(), (std::vector<std::string>{fine_file_name(0, 1, 2), fine_file_name(2, 0, 1),
                                                  "notes.txt"}));
}

}  // namespace
