// The lock around HDF5. Debian's parallel HDF5 (like most builds) is not
// thread-safe, so every HDF5 call pint::io makes, on any thread, holds one
// process-wide recursive lock. Code of the same process that calls HDF5 itself
// while pint::io may be working on another thread (a sink's writer, a test
// reading a file back) takes it too.
#pragma once

#include <mutex>

namespace pint::io {

std::unique_lock<std::recursive_mutex> hdf5_lock();

}  // namespace pint::io
