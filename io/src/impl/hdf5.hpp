// Internal HDF5 helpers of pint::io: the lock, error checking, owning handles,
// attributes and small datasets. Every function here takes the lock itself.
#pragma once

#include "pint/io/attributes.hpp"
#include "pint/io/error.hpp"

#include <hdf5.h>

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace pint::io::Impl {

// Holds the process-wide HDF5 lock (recursive). The outermost guard on a
// thread turns HDF5's automatic error printing off and restores it after, so
// errors reach the user once, as exceptions.
class Hdf5Guard {
 public:
  Hdf5Guard();
  ~Hdf5Guard();
  Hdf5Guard(const Hdf5Guard&) = delete;
  Hdf5Guard& operator=(const Hdf5Guard&) = delete;

 private:
  std::unique_lock<std::recursive_mutex> lock_;
  bool outermost_ = false;
  H5E_auto2_t saved_func_ = nullptr;
  void* saved_data_ = nullptr;
};

std::recursive_mutex& hdf5_mutex();

// Throws Hdf5Error for `operation` on `file` with HDF5's current error stack
// (which it then clears). Inside a CollectiveSection it ends the process
// instead (std::terminate() with the Hdf5Error as the current exception).
[[noreturn]] void fail(const std::string& operation, const std::string& file);

// While one lives (on this thread, `active`), an HDF5 failure ends the process
// through std::terminate() (the process's terminate handler reports the
// Hdf5Error, core::Runtime's and the pint command's end the whole job) instead
// of throwing: a file opened collectively through MPI-IO cannot be left on one
// rank alone, since unwinding would close it collectively while the other
// ranks wait in another collective call, and the job would hang (a full disk
// met by one rank while run.h5 is written).
class CollectiveSection {
 public:
  explicit CollectiveSection(bool active);
  ~CollectiveSection();
  CollectiveSection(const CollectiveSection&) = delete;
  CollectiveSection& operator=(const CollectiveSection&) = delete;

 private:
  bool active_;
};

// check(status, ...) passes non-negative statuses and ids through and throws
// Hdf5Error for negative ones.
inline herr_t check(herr_t status, const std::string& operation, const std::string& file) {
  if (status < 0) fail(operation, file);
  return status;
}
inline hid_t check_id(hid_t id, const std::string& operation, const std::string& file) {
  if (id < 0) fail(operation, file);
  return id;
}

// An owned HDF5 identifier of any kind (file, dataset, dataspace, datatype,
// attribute, property list, group), closed by the destructor, move-only.
class Handle {
 public:
  Handle() = default;
  // Takes `id`, throwing Hdf5Error (operation, file) when it is negative.
  Handle(hid_t id, const std::string& operation, const std::string& file);
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(other.id_) { other.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const noexcept { return id_; }
  operator hid_t() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  // Closes now, ignoring errors.
  void reset() noexcept;
  // Closes now and throws Hdf5Error if closing fails (a file's last metadata
  // is written when it closes).
  void close(const std::string& operation, const std::string& file);

 private:
  hid_t id_ = H5I_INVALID_HID;
};

// Property lists.
Handle property_list(hid_t cls, const std::string& file);

// A simple dataspace.
Handle dataspace(const std::vector<hsize_t>& dims, const std::string& file);

// Selects the box [start, start + count) of `space`, or nothing when any count is 0.
void select_box(hid_t space, const std::vector<hsize_t>& start, const std::vector<hsize_t>& count,
                const std::string& file);

// Writes `values` (row-major, of the shape `count`, memory type `memory_type`)
// to the box [start, start + count) of `dataset`. A zero count writes nothing
// but still takes part in a collective transfer (`xfer`).
void write_box(hid_t dataset, hid_t memory_type, const std::vector<hsize_t>& start,
               const std::vector<hsize_t>& count, const void* values, hid_t xfer,
               const std::string& what, const std::string& file);
// Reads the box [start, start + count) of `dataset` into `values`.
void read_box(hid_t dataset, hid_t memory_type, const std::vector<hsize_t>& start,
              const std::vector<hsize_t>& count, void* values, const std::string& what,
              const std::string& file);

// The extent of a dataset.
std::vector<hsize_t> dataset_dims(hid_t dataset, const std::string& file);

// Chunk shape (steps, members, dim) of about `target_bytes` of float64 rows
// of `members` x `dim`: whole rows along steps where a row fits, else slices
// of one row along members; never larger than the dataset, and split into
// chunks of equal size (no chunk mostly past the dataset's end).
std::array<hsize_t, 3> chunk_shape(std::int64_t steps, std::int64_t members, std::int64_t dim,
                                   std::size_t target_bytes);

// Attributes: scalar double / int64 / UTF-8 string, a string list, and any
// value of an AttributeValue. Overwrites an attribute of the same name.
void write_attribute(hid_t object, const std::string& name, const AttributeValue& value,
                     const std::string& file);
void write_attribute(hid_t object, const std::string& name, const std::vector<std::string>& values,
                     const std::string& file);
void write_attributes(hid_t object, const Attributes& attributes, const std::string& file);
// The same for an object that has none of these attributes yet (a dataset
// just created): no look-up per name, one dataspace and string type for all.
void write_new_attributes(hid_t object, const Attributes& attributes, const std::string& file);
double read_double_attribute(hid_t object, const std::string& name, const std::string& file);
std::int64_t read_int_attribute(hid_t object, const std::string& name, const std::string& file);
std::string read_string_attribute(hid_t object, const std::string& name, const std::string& file);
// Copies every attribute of `from` onto `to`.
void copy_attributes(hid_t from, hid_t to, const std::string& file);

// Whole small 1-D datasets: created contiguous and written from this process
// (only for files opened without MPI-IO).
void write_vector(hid_t location, const std::string& name, const std::vector<double>& values,
                  const std::string& file);
void write_vector(hid_t location, const std::string& name, const std::vector<std::int64_t>& values,
                  const std::string& file);
void write_vector(hid_t location, const std::string& name, const std::vector<std::string>& values,
                  const std::string& file);
std::vector<double> read_doubles(hid_t location, const std::string& name, const std::string& file);
std::vector<std::int64_t> read_ints(hid_t location, const std::string& name,
                                    const std::string& file);

// Renames a completed temporary file to its final name (replacing an older
// file of that name); throws std::runtime_error saying what to do.
void publish(const std::string& partial, const std::string& final_path);

}  // namespace pint::io::Impl
