#include "impl/hdf5.hpp"

#include "pint/io/hdf5_lock.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <type_traits>

namespace pint::io {

Hdf5Error::Hdf5Error(std::string operation, std::string file, std::string detail, int os_error)
    : std::runtime_error("pint::io: cannot " + operation + " (file " + file + "): " + detail +
                         ". Check that the directory exists and is writable, that the disk has "
                         "space, and that the file is a complete pint HDF5 file not open in "
                         "another program"),
      operation_(std::move(operation)),
      file_(std::move(file)),
      detail_(std::move(detail)),
      os_error_(os_error) {}

int Hdf5Error::os_error() const {
  // The POSIX drivers record "errno = 28, error message = '...'".
  const auto at = detail_.rfind("errno = ");
  if (at == std::string::npos) return os_error_;
  return std::atoi(detail_.c_str() + at + 8);
}

std::string Hdf5Error::reason() const {
  if (const int e = os_error()) return std::strerror(e);
  // MPI-IO: an entry "H5FD_mpio_write(): <the MPI library's words> (MPI Error String)".
  const auto mpi = detail_.rfind(" (MPI Error String)");
  if (mpi != std::string::npos) {
    const auto begin = detail_.rfind("(): ", mpi);
    if (begin != std::string::npos) return detail_.substr(begin + 4, mpi - begin - 4);
  }
  const auto last = detail_.rfind("; ");
  std::string innermost = last == std::string::npos ? detail_ : detail_.substr(last + 2);
  std::replace(innermost.begin(), innermost.end(), '\n', ' ');
  return innermost;
}

std::unique_lock<std::recursive_mutex> hdf5_lock() {
  return std::unique_lock<std::recursive_mutex>(Impl::hdf5_mutex());
}

namespace Impl {

namespace {

thread_local int g_guard_depth = 0;
thread_local int g_collective_depth = 0;

herr_t collect_error(unsigned, const H5E_error2_t* e, void* data) {
  auto& text = *static_cast<std::string*>(data);
  if (!text.empty()) text += "; ";
  text += std::string(e->func_name ? e->func_name : "?") + "(): " + (e->desc ? e->desc : "");
  char minor[256] = {};
  if (H5Eget_msg(e->min_num, nullptr, minor, sizeof(minor)) > 0) {
    text += std::string(" (") + minor + ")";
  }
  return 0;
}

Handle string_type(const std::string& file) {
  Handle type(H5Tcopy(H5T_C_S1), "create a string type", file);
  check(H5Tset_size(type, H5T_VARIABLE), "create a string type", file);
  check(H5Tset_cset(type, H5T_CSET_UTF8), "create a string type", file);
  return type;
}

// `fresh`: the object has no attribute `name` yet (no look-up); else one is replaced.
Handle create_attribute(hid_t object, const std::string& name, hid_t type, hid_t space,
                        const std::string& file, bool fresh = false) {
  const std::string what = "create attribute '" + name + "'";
  if (!fresh && check(H5Aexists(object, name.c_str()), what, file) > 0) {
    check(H5Adelete(object, name.c_str()), what, file);
  }
  return Handle(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), what,
                file);
}

// `value` as the scalar attribute `name` of `object`: string, float64 or
// int64. `space` (scalar) and `text` (string_type()) are the caller's, so that
// many attributes can share them; `fresh` as create_attribute's.
void write_scalar_attribute(hid_t object, const std::string& name, const AttributeValue& value,
                            hid_t space, hid_t text, bool fresh, const std::string& file) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        hid_t file_type = H5T_STD_I64LE, memory_type = H5T_NATIVE_INT64;
        const void* data = &v;
        const char* chars = nullptr;
        if constexpr (std::is_same_v<T, std::string>) {
          file_type = memory_type = text;
          chars = v.c_str();
          data = &chars;
        } else if constexpr (std::is_same_v<T, double>) {
          file_type = H5T_IEEE_F64LE;
          memory_type = H5T_NATIVE_DOUBLE;
        }
        Handle attr = create_attribute(object, name, file_type, space, file, fresh);
        check(H5Awrite(attr, memory_type, data), "write attribute '" + name + "'", file);
      },
      value.get());
}

template <class T>
T read_scalar_attribute(hid_t object, const std::string& name, hid_t memory_type,
                        const std::string& file) {
  const std::string what = "read attribute '" + name + "'";
  Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), what, file);
  T value{};
  check(H5Aread(attr, memory_type, &value), what, file);
  return value;
}

void reclaim(hid_t type, hid_t space, void* buffer) {
#if H5_VERSION_GE(1, 12, 0)
  H5Treclaim(type, space, H5P_DEFAULT, buffer);
#else
  H5Dvlen_reclaim(type, space, H5P_DEFAULT, buffer);
#endif
}

struct CopyContext {
  hid_t to;
  const std::string* file;
  std::exception_ptr error;
};

herr_t copy_one_attribute(hid_t from, const char* name, const H5A_info_t*, void* data) {
  auto& ctx = *static_cast<CopyContext*>(data);
  try {
    const std::string what = std::string("copy attribute '") + name + "'";
    Handle attr(H5Aopen(from, name, H5P_DEFAULT), what, *ctx.file);
    Handle type(H5Aget_type(attr), what, *ctx.file);
    Handle space(H5Aget_space(attr), what, *ctx.file);
    const hssize_t points = H5Sget_simple_extent_npoints(space);
    const size_t size = H5Tget_size(type);
    if (points < 0 || size == 0) fail(what, *ctx.file);
    std::vector<unsigned char> buffer(std::max<size_t>(1, static_cast<size_t>(points) * size));
    check(H5Aread(attr, type, buffer.data()), what, *ctx.file);
    const bool variable = H5Tdetect_class(type, H5T_VLEN) > 0 || H5Tis_variable_str(type) > 0;
    herr_t status = 0;
    {
      Handle copy = create_attribute(ctx.to, name, type, space, *ctx.file);
      status = H5Awrite(copy, type, buffer.data());
    }
    if (variable) reclaim(type, space, buffer.data());
    check(status, what, *ctx.file);
    return 0;
  } catch (...) {
    ctx.error = std::current_exception();
    return -1;
  }
}

template <class T>
void write_numbers(hid_t location, const std::string& name, const std::vector<T>& values,
                   hid_t file_type, hid_t memory_type, const std::string& file) {
  const std::string what = "write dataset '" + name + "'";
  Handle space = dataspace({values.size()}, file);
  Handle set(
      H5Dcreate2(location, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      what, file);
  if (!values.empty()) {
    check(H5Dwrite(set, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), what, file);
  }
}

template <class T>
std::vector<T> read_numbers(hid_t location, const std::string& name, hid_t memory_type,
                            const std::string& file) {
  const std::string what = "read dataset '" + name + "'";
  Handle set(H5Dopen2(location, name.c_str(), H5P_DEFAULT), what, file);
  const auto dims = dataset_dims(set, file);
  size_t n = 1;
  for (hsize_t d : dims)
    n *= static_cast<size_t>(d);
  std::vector<T> values(n);
  if (n > 0) {
    check(H5Dread(set, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), what, file);
  }
  return values;
}

}  // namespace

std::recursive_mutex& hdf5_mutex() {
  static std::recursive_mutex m;
  return m;
}

Hdf5Guard::Hdf5Guard() : lock_(hdf5_mutex()) {
  if (g_guard_depth++ == 0) {
    outermost_ = true;
    H5Eget_auto2(H5E_DEFAULT, &saved_func_, &saved_data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
}

Hdf5Guard::~Hdf5Guard() {
  if (outermost_) H5Eset_auto2(H5E_DEFAULT, saved_func_, saved_data_);
  --g_guard_depth;
}

void fail(const std::string& operation, const std::string& file) {
  // MPI-IO's errors carry no errno in HDF5's stack; the failed write left it
  // here. Only a full disk or quota is taken from it (a stale value of another
  // kind would mislead).
  const int saved = errno;
  const int os_error = saved == ENOSPC || saved == EDQUOT ? saved : 0;
  Hdf5Guard guard;
  std::string detail;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_error, &detail);
  H5Eclear2(H5E_DEFAULT);
  if (detail.empty()) detail = "HDF5 reported no details";
  if (g_collective_depth > 0) {
    try {
      throw Hdf5Error(operation, file, detail, os_error);
    } catch (...) {
      std::terminate();  // see CollectiveSection
    }
  }
  throw Hdf5Error(operation, file, detail, os_error);
}

CollectiveSection::CollectiveSection(bool active) : active_(active) {
  if (active_) ++g_collective_depth;
}

CollectiveSection::~CollectiveSection() {
  if (active_) --g_collective_depth;
}

Handle::Handle(hid_t id, const std::string& operation, const std::string& file) {
  if (id < 0) fail(operation, file);
  id_ = id;
}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}

namespace {
herr_t close_id(hid_t id) {
  switch (H5Iget_type(id)) {
    case H5I_FILE:
      return H5Fclose(id);
    case H5I_GROUP:
      return H5Gclose(id);
    case H5I_DATATYPE:
      return H5Tclose(id);
    case H5I_DATASPACE:
      return H5Sclose(id);
    case H5I_DATASET:
      return H5Dclose(id);
    case H5I_ATTR:
      return H5Aclose(id);
    case H5I_GENPROP_LST:
      return H5Pclose(id);
    case H5I_BADID:
      return -1;
    default:
      return H5Idec_ref(id) < 0 ? -1 : 0;
  }
}
}  // namespace

void Handle::reset() noexcept {
  if (id_ < 0) return;
  Hdf5Guard guard;
  if (close_id(id_) < 0) H5Eclear2(H5E_DEFAULT);
  id_ = H5I_INVALID_HID;
}

void Handle::close(const std::string& operation, const std::string& file) {
  if (id_ < 0) return;
  Hdf5Guard guard;
  const hid_t id = id_;
  id_ = H5I_INVALID_HID;
  check(close_id(id), operation, file);
}

Handle property_list(hid_t cls, const std::string& file) {
  Hdf5Guard guard;
  return Handle(H5Pcreate(cls), "create a property list", file);
}

Handle dataspace(const std::vector<hsize_t>& dims, const std::string& file) {
  Hdf5Guard guard;
  return Handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                "create a dataspace", file);
}

void select_box(hid_t space, const std::vector<hsize_t>& start, const std::vector<hsize_t>& count,
                const std::string& file) {
  Hdf5Guard guard;
  if (std::find(count.begin(), count.end(), hsize_t{0}) != count.end()) {
    check(H5Sselect_none(space), "select nothing", file);
    return;
  }
  check(H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
        "select rows", file);
}

namespace {
// The file and memory dataspaces of a box of `dataset`.
std::pair<Handle, Handle> box_spaces(hid_t dataset, const std::vector<hsize_t>& start,
                                     const std::vector<hsize_t>& count, const std::string& what,
                                     const std::string& file) {
  Handle space(H5Dget_space(dataset), what, file);
  select_box(space, start, count, file);
  std::vector<hsize_t> extent(count);
  for (auto& e : extent)
    e = std::max<hsize_t>(e, 1);  // a dataspace of no points has extent 1
  Handle memory = dataspace(extent, file);
  select_box(memory, std::vector<hsize_t>(count.size(), 0), count, file);
  return {std::move(space), std::move(memory)};
}
}  // namespace

void write_box(hid_t dataset, hid_t memory_type, const std::vector<hsize_t>& start,
               const std::vector<hsize_t>& count, const void* values, hid_t xfer,
               const std::string& what, const std::string& file) {
  Hdf5Guard guard;
  static const double nothing = 0;  // HDF5 wants a buffer even for an empty selection
  auto [space, memory] = box_spaces(dataset, start, count, what, file);
  check(H5Dwrite(dataset, memory_type, memory, space, xfer, values ? values : &nothing), what,
        file);
}

void read_box(hid_t dataset, hid_t memory_type, const std::vector<hsize_t>& start,
              const std::vector<hsize_t>& count, void* values, const std::string& what,
              const std::string& file) {
  Hdf5Guard guard;
  auto [space, memory] = box_spaces(dataset, start, count, what, file);
  check(H5Dread(dataset, memory_type, memory, space, H5P_DEFAULT, values), what, file);
}

std::vector<hsize_t> dataset_dims(hid_t dataset, const std::string& file) {
  Hdf5Guard guard;
  Handle space(H5Dget_space(dataset), "get a dataset's extent", file);
  const int rank = check(H5Sget_simple_extent_ndims(space), "get a dataset's extent", file);
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  check(H5Sget_simple_extent_dims(space, dims.data(), nullptr), "get a dataset's extent", file);
  return dims;
}

std::array<hsize_t, 3> chunk_shape(std::int64_t steps, std::int64_t members, std::int64_t dim,
                                   std::size_t target_bytes) {
  const auto clamp = [](std::int64_t v, std::int64_t hi) {
    return static_cast<hsize_t>(
        std::max<std::int64_t>(1, std::min(v, std::max<std::int64_t>(1, hi))));
  };
  // At most `most` of `total` a chunk, in equal chunks: 80 rows with room for
  // 65 make two chunks of 40 (65 + 65 would allocate 130 rows on disk).
  const auto balanced = [](std::int64_t most, std::int64_t total) {
    total = std::max<std::int64_t>(1, total);
    most = std::max<std::int64_t>(1, std::min(most, total));
    const std::int64_t chunks = (total + most - 1) / most;
    return (total + chunks - 1) / chunks;
  };
  const auto target = static_cast<std::int64_t>(std::max<std::size_t>(target_bytes, 8));
  const std::int64_t row_bytes = members * dim * 8;
  if (row_bytes <= target) {
    return {clamp(balanced(target / std::max<std::int64_t>(row_bytes, 1), steps), steps),
            clamp(members, members), clamp(dim, dim)};
  }
  return {1, clamp(balanced(target / (dim * 8), members), members), clamp(dim, dim)};
}

void write_attribute(hid_t object, const std::string& name, const AttributeValue& value,
                     const std::string& file) {
  Hdf5Guard guard;
  Handle space(H5Screate(H5S_SCALAR), "create a dataspace", file);
  Handle text = string_type(file);
  write_scalar_attribute(object, name, value, space, text, false, file);
}

void write_attribute(hid_t object, const std::string& name, const std::vector<std::string>& values,
                     const std::string& file) {
  Hdf5Guard guard;
  Handle type = string_type(file);
  Handle space = dataspace({values.size()}, file);
  Handle attr = create_attribute(object, name, type, space, file);
  std::vector<const char*> texts;
  for (const auto& v : values)
    texts.push_back(v.c_str());
  if (!texts.empty()) {
    check(H5Awrite(attr, type, texts.data()), "write attribute '" + name + "'", file);
  }
}

void write_attributes(hid_t object, const Attributes& attributes, const std::string& file) {
  for (const auto& a : attributes)
    write_attribute(object, a.name, a.value, file);
}

void write_new_attributes(hid_t object, const Attributes& attributes, const std::string& file) {
  Hdf5Guard guard;
  Handle space(H5Screate(H5S_SCALAR), "create a dataspace", file);
  Handle text = string_type(file);
  for (const auto& a : attributes)
    write_scalar_attribute(object, a.name, a.value, space, text, true, file);
}

double read_double_attribute(hid_t object, const std::string& name, const std::string& file) {
  Hdf5Guard guard;
  return read_scalar_attribute<double>(object, name, H5T_NATIVE_DOUBLE, file);
}

std::int64_t read_int_attribute(hid_t object, const std::string& name, const std::string& file) {
  Hdf5Guard guard;
  return read_scalar_attribute<std::int64_t>(object, name, H5T_NATIVE_INT64, file);
}

std::string read_string_attribute(hid_t object, const std::string& name, const std::string& file) {
  Hdf5Guard guard;
  const std::string what = "read attribute '" + name + "'";
  Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), what, file);
  Handle type(H5Aget_type(attr), what, file);
  if (H5Tget_class(type) != H5T_STRING) {
    throw Hdf5Error(what, file, "the attribute is not a string");
  }
  if (H5Tis_variable_str(type) > 0) {
    Handle memory = string_type(file);
    char* text = nullptr;
    check(H5Aread(attr, memory, &text), what, file);
    std::string out = text ? text : "";
    H5free_memory(text);
    return out;
  }
  std::string out(H5Tget_size(type), '\0');
  check(H5Aread(attr, type, out.data()), what, file);
  return out.substr(0, out.find('\0'));
}

void copy_attributes(hid_t from, hid_t to, const std::string& file) {
  Hdf5Guard guard;
  CopyContext ctx{to, &file, nullptr};
  const herr_t status =
      H5Aiterate2(from, H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, copy_one_attribute, &ctx);
  if (ctx.error) std::rethrow_exception(ctx.error);
  check(status, "copy attributes", file);
}

void write_vector(hid_t location, const std::string& name, const std::vector<double>& values,
                  const std::string& file) {
  Hdf5Guard guard;
  write_numbers(location, name, values, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, file);
}

void write_vector(hid_t location, const std::string& name, const std::vector<std::int64_t>& values,
                  const std::string& file) {
  Hdf5Guard guard;
  write_numbers(location, name, values, H5T_STD_I64LE, H5T_NATIVE_INT64, file);
}

void write_vector(hid_t location, const std::string& name, const std::vector<std::string>& values,
                  const std::string& file) {
  Hdf5Guard guard;
  const std::string what = "write dataset '" + name + "'";
  Handle type = string_type(file);
  Handle space = dataspace({values.size()}, file);
  Handle set(H5Dcreate2(location, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
             what, file);
  std::vector<const char*> texts;
  for (const auto& v : values)
    texts.push_back(v.c_str());
  if (!texts.empty()) {
    check(H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data()), what, file);
  }
}

std::vector<double> read_doubles(hid_t location, const std::string& name, const std::string& file) {
  Hdf5Guard guard;
  return read_numbers<double>(location, name, H5T_NATIVE_DOUBLE, file);
}

std::vector<std::int64_t> read_ints(hid_t location, const std::string& name,
                                    const std::string& file) {
  Hdf5Guard guard;
  return read_numbers<std::int64_t>(location, name, H5T_NATIVE_INT64, file);
}

void publish(const std::string& partial, const std::string& final_path) {
  std::error_code ec;
  std::filesystem::rename(partial, final_path, ec);
  if (ec) {
    throw std::runtime_error("pint::io: cannot rename the completed file " + partial + " to " +
                             final_path + ": " + ec.message() +
                             ". Check that the directory is writable and that " + final_path +
                             " is not a directory.");
  }
}

}  // namespace Impl
}  // namespace pint::io
