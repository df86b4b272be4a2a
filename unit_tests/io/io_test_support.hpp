// Helpers of the io tests: scratch directories, deterministic test values,
// C-API read-back, and the h5py checker (check_h5.py).
#pragma once

#include "pint/core/trajectory_sink.hpp"
#include "pint/io/hdf5_lock.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#ifndef PINT_TEST_PYTHON
#define PINT_TEST_PYTHON ""
#endif
#ifndef PINT_TEST_CHECK_H5
#define PINT_TEST_CHECK_H5 ""
#endif

namespace pint::test {

namespace fs = std::filesystem;

inline int world_rank(MPI_Comm comm = MPI_COMM_WORLD) {
  int r = 0;
  MPI_Comm_rank(comm, &r);
  return r;
}
inline int world_size(MPI_Comm comm = MPI_COMM_WORLD) {
  int s = 1;
  MPI_Comm_size(comm, &s);
  return s;
}

// A fresh directory, the same on every rank of `comm`, removed at the end.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag, MPI_Comm comm = MPI_COMM_SELF) : comm_(comm) {
    long long id[2] = {static_cast<long long>(::getpid()), world_rank()};
    MPI_Bcast(id, 2, MPI_LONG_LONG, 0, comm_);
    path_ = (fs::temp_directory_path() /
             ("pint_io_" + tag + "_" + std::to_string(id[0]) + "_" + std::to_string(id[1])))
                .string();
    if (world_rank(comm_) == 0) {
      fs::remove_all(path_);
      fs::create_directories(path_);
    }
    MPI_Barrier(comm_);
  }
  ~ScratchDir() {
    MPI_Barrier(comm_);
    if (world_rank(comm_) == 0 && std::getenv("PINT_KEEP_TEST_FILES") == nullptr) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (fs::path(path_) / name).string(); }
  // Names of the files in the directory, sorted.
  std::vector<std::string> list() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path_))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::string path_;
  MPI_Comm comm_;
};

// A double with an interesting bit pattern for (step, member, component):
// ordinary values, negative zero, subnormals, huge values, NaN payloads.
inline double test_value(std::int64_t s, std::int64_t m, std::int64_t c) {
  const std::uint64_t k = static_cast<std::uint64_t>(s * 1000003 + m * 1009 + c * 17 + 1);
  switch (k % 7) {
    case 0:
      return -0.0;
    case 1:
      return std::numeric_limits<double>::denorm_min() * static_cast<double>(k % 1000 + 1);
    case 2: {
      const std::uint64_t payload =
          0x7ff8000000000000ull | (k & 0xffffull);  // quiet NaN with a payload
      double d;
      std::memcpy(&d, &payload, sizeof d);
      return d;
    }
    case 3:
      return 1.0e300 / static_cast<double>(k);
    default:
      return std::sin(static_cast<double>(k)) * std::exp(static_cast<double>(k % 40) - 20.0);
  }
}

inline bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// A solve of `members` saved members (all members of an ensemble of `members`).
inline core::SolveDescription make_solve(int slice, int iteration, double t0, double t1,
                                         std::int64_t n, std::int64_t save_every,
                                         std::int64_t members, int dim = 2) {
  core::SolveDescription s;
  s.system = "oscillator";
  s.integrator = "euler";
  s.dim = dim;
  s.iteration = iteration;
  s.slice = slice;
  s.t0 = t0;
  s.t1 = t1;
  s.h = (t1 - t0) / static_cast<double>(n);
  s.n = n;
  s.save_every = save_every;
  for (std::int64_t m = 0; m < members; ++m)
    s.saved_members.push_back(m);
  s.member_offset = 0;
  s.local_members = members;
  s.ensemble_size = members;
  return s;
}

// Rows (saved steps x local members x dim) of a solve, from test_value with a
// slice-dependent offset, and the saved times.
struct Trajectory {
  std::vector<double> rows, times;
};
inline Trajectory make_trajectory(const core::SolveDescription& s, std::int64_t member_begin,
                                  std::int64_t member_count) {
  Trajectory tr;
  for (std::int64_t i = 0; i < s.saved_steps(); ++i) {
    tr.times.push_back(s.time_of_step(s.step_of(i)));
    for (std::int64_t m = member_begin; m < member_begin + member_count; ++m) {
      for (std::int64_t c = 0; c < s.dim; ++c) {
        tr.rows.push_back(test_value(i + 100000 * s.slice + 7 * s.iteration, m, c));
      }
    }
  }
  return tr;
}

// Streams a trajectory in uneven batches (1, 2, 3, ... saved rows).
inline void stream(core::TrajectorySink& sink, const core::SolveDescription& s,
                   const Trajectory& tr) {
  const std::int64_t row = s.local_members * s.dim;
  std::int64_t first = 0, batch = 1;
  while (first < s.saved_steps()) {
    const std::int64_t count = std::min(batch++, s.saved_steps() - first);
    sink.write(first, count, tr.times.data() + first, tr.rows.data() + first * row);
    first += count;
  }
}

// Reads a whole float64 dataset through the C API (under pint::io's lock).
inline std::vector<double> read_doubles(const std::string& file, const std::string& name,
                                        std::vector<hsize_t>* dims = nullptr) {
  auto lock = pint::io::hdf5_lock();
  std::vector<double> values;
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return values;
  hid_t d = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
  if (d >= 0) {
    hid_t space = H5Dget_space(d);
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> extent(static_cast<size_t>(std::max(rank, 0)));
    H5Sget_simple_extent_dims(space, extent.data(), nullptr);
    hssize_t n = H5Sget_simple_extent_npoints(space);
    values.resize(static_cast<size_t>(n));
    if (n > 0) H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    if (dims) *dims = extent;
    H5Sclose(space);
    H5Dclose(d);
  }
  H5Fclose(f);
  return values;
}

// The storage layout of a dataset (H5D_VIRTUAL, H5D_CHUNKED, ...).
inline H5D_layout_t layout_of(const std::string& file, const std::string& name) {
  auto lock = pint::io::hdf5_lock();
  H5D_layout_t layout = H5D_LAYOUT_ERROR;
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t d = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
  hid_t p = H5Dget_create_plist(d);
  layout = H5Pget_layout(p);
  H5Pclose(p);
  H5Dclose(d);
  H5Fclose(f);
  return layout;
}

inline void write_bin(const std::string& path, const std::vector<double>& values) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(values.data()),
            static_cast<std::streamsize>(values.size() * sizeof(double)));
}

// JSON pieces for check_h5.py specifications.
inline std::string json(const std::string& s) {
  return "\"" + s + "\"";
}
inline std::string json(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.17g", v);
  std::string s = b;
  if (s.find_first_of(".en") == std::string::npos) s += ".0";  // stays a float in Python
  return s;
}
inline std::string json(std::int64_t v) {
  return std::to_string(v);
}
inline std::string json(int v) {
  return std::to_string(v);
}
template <class T>
std::string json(const std::vector<T>& values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i)
    s += (i ? ", " : "") + json(values[i]);
  return s + "]";
}
inline std::string json_shape(const std::vector<hsize_t>& dims) {
  std::vector<std::int64_t> d(dims.begin(), dims.end());
  return json(d);
}

// Whether the h5py checks can run: a Python with h5py was found at configure time,
// and PINT_TEST_SKIP_H5PY is unset (a GPU bundle runs where there is none).
inline bool python_available() {
  return std::string(PINT_TEST_PYTHON).size() > 0 && std::getenv("PINT_TEST_SKIP_H5PY") == nullptr;
}

// Runs check_h5.py on a specification; returns its exit status.
inline int run_checker(const std::string& spec_path, const std::string& spec) {
  std::ofstream(spec_path) << spec;
  const std::string cmd =
      std::string(PINT_TEST_PYTHON) + " " + PINT_TEST_CHECK_H5 + " " + spec_path;
  return std::system(cmd.c_str());
}

}  // namespace pint::test
