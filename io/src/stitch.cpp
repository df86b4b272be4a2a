#include "pint/io/stitch.hpp"

#include "impl/hdf5.hpp"
#include "pint/core/compat.hpp"
#include "pint/io/file_names.hpp"
#include "pint/io/read_back.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>

namespace pint::io {

namespace fs = std::filesystem;

namespace {

// What write_stitched needs from one per-slice file.
struct SliceFile : SolveFile {
  std::string source;  // the name trajectory.h5 refers to it by
};

bool same_directory(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  const bool same =
      fs::equivalent(a.empty() ? fs::path(".") : a, b.empty() ? fs::path(".") : b, ec);
  return !ec && same;
}

SliceFile inspect(const std::string& path, std::size_t slice, const fs::path& directory,
                  const std::vector<SolveFile>& known) {
  if (!fs::is_regular_file(path)) {
    throw std::invalid_argument("pint::io: the file of slice " + std::to_string(slice) + ", " +
                                path +
                                ", does not exist; its solve was not committed. Pass the final "
                                "file of every slice (final_slice_files() names them)");
  }
  SliceFile s;
  const auto found =
      std::find_if(known.begin(), known.end(), [&](const SolveFile& k) { return k.path == path; });
  static_cast<SolveFile&>(s) = found != known.end() ? *found : read_solve_file(path);
  s.source = same_directory(fs::path(path).parent_path(), directory)
                 ? fs::path(path).filename().string()
                 : fs::absolute(path).string();
  return s;
}

void check_joins(const std::vector<SliceFile>& slices) {
  const SliceFile& first = slices.front();
  for (std::size_t n = 1; n < slices.size(); ++n) {
    const SliceFile& a = slices[n - 1];
    const SliceFile& b = slices[n];
    if (b.members != first.members || b.dim != first.dim) {
      throw std::invalid_argument("pint::io: " + b.path +
                                  " holds other members or another "
                                  "dimension than " +
                                  first.path + "; stitch the files of one run only");
    }
    if (b.first_time != a.last_time) {
      std::ostringstream os;
      os.precision(17);
      os << "pint::io: slice " << n - 1 << " (" << a.path << ") ends at t = " << a.last_time
         << " but slice " << n << " (" << b.path << ") starts at t = " << b.first_time
         << "; pass the final file of every slice of one run, in slice order";
      throw std::invalid_argument(os.str());
    }
  }
}

// A virtual dataset of `shape` (steps first) over the `name` datasets of the
// slice files: slice n contributes its rows from saved index (n > 0), so that
// boundary rows appear once.
void create_virtual(hid_t file, const std::string& name, const std::vector<SliceFile>& slices,
                    std::vector<hsize_t> shape, const std::string& f) {
  const std::string what = "create virtual dataset '" + name + "'";
  std::int64_t total = 0;
  for (std::size_t n = 0; n < slices.size(); ++n)
    total += slices[n].steps - (n > 0 ? 1 : 0);
  shape[0] = static_cast<hsize_t>(total);
  Impl::Handle dcpl = Impl::property_list(H5P_DATASET_CREATE, f);
  const double missing = std::numeric_limits<double>::quiet_NaN();  // rows of a missing source
  Impl::check(H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &missing), what, f);
  Impl::Handle vspace = Impl::dataspace(shape, f);
  hsize_t offset = 0;
  for (std::size_t n = 0; n < slices.size(); ++n) {
    const hsize_t skip = n > 0 ? 1 : 0;
    std::vector<hsize_t> source_shape = shape, start(shape.size(), 0), count = shape;
    source_shape[0] = static_cast<hsize_t>(slices[n].steps);
    count[0] = source_shape[0] - skip;
    start[0] = offset;
    Impl::select_box(vspace, start, count, f);
    Impl::Handle source = Impl::dataspace(source_shape, f);
    start[0] = skip;
    Impl::select_box(source, start, count, f);
    Impl::check(H5Pset_virtual(dcpl, vspace, slices[n].source.c_str(), name.c_str(), source), what,
                f);
    offset += count[0];
  }
  Impl::Handle space = Impl::dataspace(shape, f);
  Impl::Handle set(
      H5Dcreate2(file, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), what,
      f);
}

}  // namespace

std::vector<std::string> final_slice_files(const std::string& directory,
                                           const std::vector<double>& boundaries,
                                           const std::vector<int>& iterations) {
  const std::size_t slices = boundaries.size() < 2 ? 0 : boundaries.size() - 1;
  if (slices == 0 || (iterations.size() != 1 && iterations.size() != slices)) {
    throw std::invalid_argument(
        "pint::io: final_slice_files() needs at least two boundaries and "
        "one iteration per slice (or one for all); got " +
        std::to_string(boundaries.size()) + " boundaries and " + std::to_string(iterations.size()) +
        " iterations");
  }
  std::vector<std::string> files;
  for (std::size_t n = 0; n < slices; ++n) {
    const int k = iterations.size() == 1 ? iterations[0] : iterations[n];
    files.push_back(
        (fs::path(directory) / fine_file_name(k, boundaries[n], boundaries[n + 1])).string());
  }
  return files;
}

std::string write_stitched(const std::string& directory,
                           const std::vector<std::string>& slice_files,
                           const StitchOptions& options) {
  ScopedRegion region("pint::io::write_stitched");
  if (slice_files.empty()) {
    throw std::invalid_argument(
        "pint::io: write_stitched() got no slice files; pass the final "
        "file of every slice, in slice order");
  }
  const fs::path dir(directory);
  if (!fs::is_directory(dir)) {
    throw std::invalid_argument("pint::io: the output directory '" + directory +
                                "' does not exist; create it first");
  }
  std::vector<SliceFile> slices;
  for (std::size_t n = 0; n < slice_files.size(); ++n) {
    slices.push_back(inspect(slice_files[n], n, dir, options.known));
  }
  check_joins(slices);
  const SliceFile& first = slices.front();
  const std::string out = (dir / options.output_name).string();
  const std::string f = partial_path(out);
  {
    Impl::Hdf5Guard guard;
    Impl::Handle file(H5Fcreate(f.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                      "create the file", f);
    const auto members = static_cast<hsize_t>(first.members.size());
    create_virtual(file, "data", slices, {0, members, static_cast<hsize_t>(first.dim)}, f);
    create_virtual(file, "t", slices, {0}, f);
    std::vector<double> boundaries;
    std::vector<std::int64_t> iterations;
    std::vector<std::string> sources;
    for (const SliceFile& s : slices) {
      boundaries.push_back(s.t0);
      iterations.push_back(s.iteration);
      sources.push_back(s.source);
    }
    boundaries.push_back(slices.back().t1);
    Impl::write_vector(file, "members", first.members, f);
    Impl::write_vector(file, "boundaries", boundaries, f);
    Impl::write_vector(file, "slice_iterations", iterations, f);
    Impl::write_vector(file, "slice_files", sources, f);
    Impl::write_attributes(file, options.attributes, f);  // the built-in names below win
    Impl::write_attributes(file,
                           {{"slices", slices.size()},
                            {"dim", first.dim},
                            {"ensemble_size", first.ensemble_size},
                            {"system", first.system},
                            {"integrator", first.integrator}},
                           f);
    file.close("close the file", f);
  }
  Impl::publish(f, out);
  if (!options.keep_older_iterations) {
    for (const SliceFile& s : slices) {
      remove_older_iterations(fs::path(s.path).parent_path().string(),
                              static_cast<int>(s.iteration), s.t0, s.t1);
    }
  }
  return out;
}

namespace {

// Every source file a virtual dataset refers to must exist (HDF5 would read
// the rows of a missing one as fill values without complaint) and match its
// checksums (verify_solve_file(); each file once, `verified` remembers).
void check_sources(hid_t dataset, const std::string& input, std::set<std::string>& verified) {
  Impl::Handle dcpl(H5Dget_create_plist(dataset), "inspect dataset 'data'", input);
  if (H5Pget_layout(dcpl) != H5D_VIRTUAL) return;
  size_t count = 0;
  Impl::check(H5Pget_virtual_count(dcpl, &count), "inspect dataset 'data'", input);
  for (size_t i = 0; i < count; ++i) {
    const ssize_t length = H5Pget_virtual_filename(dcpl, i, nullptr, 0);
    if (length < 0) Impl::fail("inspect dataset 'data'", input);
    std::string name(static_cast<size_t>(length) + 1, '\0');
    H5Pget_virtual_filename(dcpl, i, name.data(), name.size());
    name.resize(static_cast<size_t>(length));
    const fs::path source = fs::path(name).is_absolute() || name == "."
                                ? fs::path(name)
                                : fs::path(input).parent_path() / name;
    if (name != "." && !fs::exists(source)) {
      throw std::invalid_argument("pint::io: " + input + " refers to " + source.string() +
                                  ", which does not exist; restore the per-slice files (or run "
                                  "again) before combining");
    }
    if (name != "." && verified.insert(source.string()).second) {
      try {
        verify_solve_file(source.string());
      } catch (const DamagedFile& e) {
        throw DamagedFile(std::string(e.what()) +
                          "; run the same `pint run` again with --resume: it computes that "
                          "slice again");
      }
    }
  }
}

}  // namespace

void verify_sources(const std::string& input) {
  ScopedRegion region("pint::io::verify_sources");
  Impl::Hdf5Guard guard;
  Impl::Handle in(H5Fopen(input.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open", input);
  std::set<std::string> verified;
  for (const char* name : {"data", "t"}) {
    if (H5Lexists(in, name, H5P_DEFAULT) <= 0) continue;
    Impl::Handle set(H5Dopen2(in, name, H5P_DEFAULT), std::string("open dataset '") + name + "'",
                     input);
    check_sources(set, input, verified);
  }
}

void combine(const std::string& input, const std::string& output, int compression) {
  ScopedRegion region("pint::io::combine");
  if (compression < 0 || compression > 9) {
    throw std::invalid_argument("pint::io: compression level " + std::to_string(compression) +
                                " is not a gzip level; give 0 (none) to 9");
  }
  if (!fs::is_regular_file(input)) {
    throw std::invalid_argument("pint::io: " + input +
                                " does not exist; give the trajectory.h5 of a finished run");
  }
  const std::string f = partial_path(output);
  Impl::Hdf5Guard guard;
  Impl::Handle in(H5Fopen(input.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open", input);
  Impl::Handle data_in(H5Dopen2(in, "data", H5P_DEFAULT), "open dataset 'data'", input);
  Impl::Handle t_in(H5Dopen2(in, "t", H5P_DEFAULT), "open dataset 't'", input);
  const auto dims = Impl::dataset_dims(data_in, input);
  if (dims.size() != 3 || Impl::dataset_dims(t_in, input) != std::vector<hsize_t>{dims[0]}) {
    throw std::invalid_argument("pint::io: " + input +
                                " is not a pint trajectory file (it needs 'data' of steps x "
                                "members x dim and 't' of steps); give the trajectory.h5 of a run");
  }
  verify_sources(input);
  const auto steps = static_cast<std::int64_t>(dims[0]);
  const auto members = static_cast<std::int64_t>(dims[1]);
  const auto dim = static_cast<std::int64_t>(dims[2]);
  const auto chunk = Impl::chunk_shape(steps, members, dim, std::size_t{1} << 20);
  // Copy a bounded block of whole chunks at a time.
  const std::int64_t row_values = std::max<std::int64_t>(1, members * dim);
  std::int64_t block = std::max<std::int64_t>(1, (std::int64_t{8} << 20) / (8 * row_values));
  block = std::min(block, std::max<std::int64_t>(steps, 1));
  if (block >= static_cast<std::int64_t>(chunk[0]))
    block -= block % static_cast<std::int64_t>(chunk[0]);

  Impl::Handle out(H5Fcreate(f.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "create the file",
                   f);
  const auto create = [&](const std::string& name, const std::vector<hsize_t>& shape,
                          const std::vector<hsize_t>& chunk_dims, int level) {
    Impl::Handle dcpl = Impl::property_list(H5P_DATASET_CREATE, f);
    Impl::check(H5Pset_chunk(dcpl, static_cast<int>(chunk_dims.size()), chunk_dims.data()),
                "set the chunk shape", f);
    if (level > 0)
      Impl::check(H5Pset_deflate(dcpl, static_cast<unsigned>(level)), "enable gzip", f);
    Impl::Handle space = Impl::dataspace(shape, f);
    return Impl::Handle(
        H5Dcreate2(out, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
        "create dataset '" + name + "'", f);
  };
  Impl::Handle data_out = create("data", dims, {chunk[0], chunk[1], chunk[2]}, compression);
  Impl::Handle t_out = create("t", {dims[0]}, {static_cast<hsize_t>(block)}, 0);
  std::vector<double> rows(static_cast<std::size_t>(block * members * dim));
  std::vector<double> times(static_cast<std::size_t>(block));
  for (std::int64_t s = 0; s < steps; s += block) {
    const auto first = static_cast<hsize_t>(s);
    const auto n = static_cast<hsize_t>(std::min(block, steps - s));
    Impl::read_box(data_in, H5T_NATIVE_DOUBLE, {first, 0, 0}, {n, dims[1], dims[2]}, rows.data(),
                   "read rows of dataset 'data'", input);
    Impl::write_box(data_out, H5T_NATIVE_DOUBLE, {first, 0, 0}, {n, dims[1], dims[2]}, rows.data(),
                    H5P_DEFAULT, "write rows of dataset 'data'", f);
    Impl::read_box(t_in, H5T_NATIVE_DOUBLE, {first}, {n}, times.data(), "read dataset 't'", input);
    Impl::write_box(t_out, H5T_NATIVE_DOUBLE, {first}, {n}, times.data(), H5P_DEFAULT,
                    "write dataset 't'", f);
  }
  for (const char* name : {"members", "boundaries", "slice_iterations", "slice_files"}) {
    if (H5Lexists(in, name, H5P_DEFAULT) > 0) {
      Impl::check(H5Ocopy(in, name, out, name, H5P_DEFAULT, H5P_DEFAULT),
                  std::string("copy dataset '") + name + "'", f);
    }
  }
  Impl::copy_attributes(in, out, f);
  Impl::copy_attributes(data_in, data_out, f);
  Impl::write_attribute(out, "combined_from", fs::path(input).filename().string(), f);
  data_out.close("finish dataset 'data'", f);
  t_out.close("finish dataset 't'", f);
  out.close("close the file", f);
  Impl::publish(f, output);
}

}  // namespace pint::io
