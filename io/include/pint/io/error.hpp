// The exception pint::io throws when an HDF5 call fails.
#pragma once

#include <stdexcept>
#include <string>

namespace pint::io {

// An HDF5 operation failed. what() names the operation, the file, HDF5's own
// error stack (which pint::io never lets HDF5 print by itself) and what to do.
class Hdf5Error : public std::runtime_error {
 public:
  // `os_error`: the error number the failed call left (0: none known).
  Hdf5Error(std::string operation, std::string file, std::string detail, int os_error = 0);

  // e.g. "create dataset 'data'"
  const std::string& operation() const noexcept { return operation_; }
  // The file the operation was on (the temporary name while a file is written).
  const std::string& file() const noexcept { return file_; }
  // HDF5's error stack, innermost last, or a short reason.
  const std::string& detail() const noexcept { return detail_; }
  // The cause in a few words: the operating system's error the stack records
  // ("No space left on device", from its errno or MPI-IO's error string), else
  // the innermost entry of the stack.
  std::string reason() const;
  // The error number the stack records (ENOSPC...), else the one given, 0 if none.
  int os_error() const;

 private:
  std::string operation_;
  std::string file_;
  std::string detail_;
  int os_error_ = 0;
};

}  // namespace pint::io
