#include "pint/io/read_back.hpp"

#include "impl/checksum.hpp"
#include "impl/hdf5.hpp"
#include "pint/core/compat.hpp"

#include <algorithm>
#include <stdexcept>

namespace pint::io {

SolveFile read_solve_file(const std::string& path) {
  ScopedRegion region("pint::io::read_solve_file");
  Impl::Hdf5Guard guard;
  Impl::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open", path);
  Impl::Handle data(H5Dopen2(file, "data", H5P_DEFAULT), "open dataset 'data'", path);
  Impl::Handle t(H5Dopen2(file, "t", H5P_DEFAULT), "open dataset 't'", path);
  const auto dims = Impl::dataset_dims(data, path);
  if (dims.size() != 3 || dims[0] < 1 || Impl::dataset_dims(t, path) != std::vector{dims[0]}) {
    throw std::invalid_argument("pint::io: " + path +
                                " is not a pint trajectory file (it needs 'data' of steps x "
                                "members x dim and 't' of steps); pass the files pint wrote");
  }
  SolveFile s;
  s.path = path;
  s.system = Impl::read_string_attribute(data, "system", path);
  s.integrator = Impl::read_string_attribute(data, "integrator", path);
  s.iteration = Impl::read_int_attribute(data, "iteration", path);
  s.slice = Impl::read_int_attribute(data, "slice", path);
  s.t0 = Impl::read_double_attribute(data, "t0", path);
  s.t1 = Impl::read_double_attribute(data, "t1", path);
  s.n = Impl::read_int_attribute(data, "n", path);
  s.save_every = Impl::read_int_attribute(data, "save_every", path);
  s.ensemble_size = Impl::read_int_attribute(data, "ensemble_size", path);
  s.steps = static_cast<std::int64_t>(dims[0]);
  s.dim = static_cast<std::int64_t>(dims[2]);
  s.members = Impl::read_ints(file, "members", path);
  if (s.members.size() != dims[1]) {
    throw std::invalid_argument("pint::io: " + path + " lists " + std::to_string(s.members.size()) +
                                " members for " + std::to_string(dims[1]) + " columns of 'data'");
  }
  Impl::read_box(t, H5T_NATIVE_DOUBLE, {0}, {1}, &s.first_time, "read dataset 't'", path);
  Impl::read_box(t, H5T_NATIVE_DOUBLE, {dims[0] - 1}, {1}, &s.last_time, "read dataset 't'", path);
  return s;
}

std::vector<double> read_saved_rows(const std::string& path, std::int64_t step,
                                    std::int64_t first_row, std::int64_t count,
                                    std::int64_t steps) {
  ScopedRegion region("pint::io::read_saved_rows");
  Impl::Hdf5Guard guard;
  Impl::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open", path);
  Impl::Handle data(H5Dopen2(file, "data", H5P_DEFAULT), "open dataset 'data'", path);
  const auto dims = Impl::dataset_dims(data, path);
  if (dims.size() != 3 || step < 0 || steps < 1 || first_row < 0 || count < 0 ||
      static_cast<hsize_t>(step + steps) > dims[0] ||
      static_cast<hsize_t>(first_row + count) > dims[1]) {
    throw std::invalid_argument("pint::io: rows [" + std::to_string(first_row) + ", " +
                                std::to_string(first_row + count) + ") of saved points [" +
                                std::to_string(step) + ", " + std::to_string(step + steps) +
                                ") are outside 'data' of " + path);
  }
  std::vector<double> rows(static_cast<size_t>(steps * count) * dims[2]);
  if (count > 0) {
    Impl::read_box(data, H5T_NATIVE_DOUBLE,
                   {static_cast<hsize_t>(step), static_cast<hsize_t>(first_row), 0},
                   {static_cast<hsize_t>(steps), static_cast<hsize_t>(count), dims[2]}, rows.data(),
                   "read dataset 'data'", path);
  }
  return rows;
}

void verify_solve_file(const std::string& path) {
  ScopedRegion region("pint::io::verify_solve_file");
  const auto damaged = [&](const std::string& what) {
    throw DamagedFile("pint::io: " + path + " is damaged: " + what);
  };
  Impl::Hdf5Guard guard;
  Impl::Handle file;
  try {
    file = Impl::Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open", path);
  } catch (const Hdf5Error&) {
    damaged("HDF5 cannot open it (truncated, or not an HDF5 file)");
  }
  for (const char* set_name : {"data", "t", "members"}) {
    const std::string set_text = std::string("'") + set_name + "'";
    try {
      Impl::Handle set(H5Dopen2(file, set_name, H5P_DEFAULT), "open dataset", path);
      if (H5Aexists(set, Impl::checksum_attribute) <= 0) damaged(set_text + " has no checksum");
      const auto expected =
          static_cast<std::uint64_t>(Impl::read_int_attribute(set, Impl::checksum_attribute, path));
      const auto dims = Impl::dataset_dims(set, path);
      if (dims.empty()) damaged(set_text + " is not an array");
      std::uint64_t row = 1;
      for (std::size_t d = 1; d < dims.size(); ++d)
        row *= dims[d];
      const bool ints = std::string(set_name) == "members";
      const hsize_t block =
          std::max<hsize_t>(1, (hsize_t{4} << 20) / (sizeof(double) * std::max<hsize_t>(row, 1)));
      std::vector<double> values;
      std::vector<std::int64_t> integers;
      std::uint64_t sum = 0;
      for (hsize_t first = 0; first < dims[0]; first += block) {
        std::vector<hsize_t> start(dims.size(), 0), count = dims;
        start[0] = first;
        count[0] = std::min(block, dims[0] - first);
        const auto n = static_cast<std::int64_t>(count[0] * row);
        if (ints) {
          integers.resize(static_cast<std::size_t>(n));
          Impl::read_box(set, H5T_NATIVE_INT64, start, count, integers.data(), "read", path);
          sum = Impl::checksum_add(sum, integers.data(), n, first * row);
        } else {
          values.resize(static_cast<std::size_t>(n));
          Impl::read_box(set, H5T_NATIVE_DOUBLE, start, count, values.data(), "read", path);
          sum = Impl::checksum_add(sum, values.data(), n, first * row);
        }
      }
      if (sum != expected) damaged(set_text + " does not match its checksum");
    } catch (const Hdf5Error&) {
      damaged("HDF5 cannot read " + set_text + " (truncated or overwritten)");
    }
  }
}

TrajectoryAxes read_trajectory_axes(const std::string& path) {
  ScopedRegion region("pint::io::read_trajectory_axes");
  Impl::Hdf5Guard guard;
  Impl::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open", path);
  return {Impl::read_doubles(file, "t", path), Impl::read_ints(file, "members", path)};
}

}  // namespace pint::io
