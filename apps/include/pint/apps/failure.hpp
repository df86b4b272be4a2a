// Errors met while a run goes on (a full disk, a file that cannot be written
// or read): one line on stderr naming the file and the cause, with what to do,
// then the whole job ends (MPI_Abort), so no rank waits for a failed one.
#pragma once

#include <exception>
#include <string>

namespace pint::apps {

// The line for an error met on `rank` of `ranks`, without a newline: for an
// io::Hdf5Error "pint: error: writing DIR/fine-...h5: No space left on device"
// (the file's final name, not its temporary's) followed by what to do; with
// `verbose`, HDF5's error stack follows on further lines.
std::string failure_text(const std::exception& e, bool verbose, int rank, int ranks);

// Makes an exception no one catches end the job with failure_text() (and the
// output directory's lock released), in place of core::Runtime's handler.
// `verbose`: --verbose.
void install_failure_handler(bool verbose);

}  // namespace pint::apps
