// The HDF5 trajectory sink: each solve streams into its own file,
// <directory>/fine-{k:04}-{t0*1000:06}-{t1*1000:06}.h5, while it runs.
//
// File layout (everything reads with h5py and h5dump):
//   data     float64 (saved steps, saved members, dim), chunked along steps
//            (about SinkOptions::chunk_bytes a chunk), optionally gzip-compressed;
//            attributes t0, t1, h, n (as the seed), iteration, slice, integrator,
//            system, save_every, ensemble_size, and the member index range
//            member_begin .. member_end (half-open, global indices)
//   t        float64 (saved steps): the time of every saved row
//   members  int64 (saved members): global index of every saved member
//
// Streaming. write() copies the caller's rows into one of two bounded host
// buffers; a background writer thread writes the other buffer to the file, so
// compute and disk overlap and memory does not grow with the number of steps
// (2 x buffer_bytes per sink, plus HDF5's chunk cache).
//
// HDF5 and threads. Debian's parallel HDF5 is not built thread-safe, so every
// HDF5 call pint::io makes, on any thread, holds one process-wide lock (see
// hdf5_lock.hpp); in addition the writer thread makes all the HDF5 calls
// for its sink's file, the caller's thread none. Two sinks may therefore run
// at once in one process (their writes are serialised).
//
// Atomic files. A solve is written to ".<name>.partial" in the same directory
// and renamed to <name> by commit(). abandon(), an error, or destroying the sink
// with a solve open removes the temporary file; a crash leaves at most the
// temporary, never a file with the final name that is incomplete.
//
// Member blocks. With a communicator of more than one rank (SinkOptions::comm),
// the ranks share every solve's file through MPI-IO (HDF5's mpio driver): each
// writes rows [member_offset, member_offset + local_members) of the saved
// members, with collective writes at the same block boundaries on every rank.
// Then begin(), commit() and abandon() are collective over that communicator,
// every rank must begin and commit its solves in the same order, and a failure
// on one rank of a shared file is fatal to the job (the others would wait).
#pragma once

#include "pint/core/trajectory_sink.hpp"
#include "pint/io/hdf5_lock.hpp"
#include "pint/io/read_back.hpp"

#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace pint::io {

struct SinkOptions {
  // gzip (deflate) level of `data`: 0 (none, the default) to 9.
  int compression = 0;
  // false: once iteration k of a slice is committed, remove that slice's
  // files of iterations 0 .. k-1 (the newest file of every slice stays).
  bool keep_iterations = true;
  // The ranks that write each solve's file together (member blocks). Size 1
  // (MPI_COMM_SELF, the default): a plain POSIX (sec2) file, no MPI-IO.
  MPI_Comm comm = MPI_COMM_SELF;
  // Bytes of each of the two host buffers, at most (a buffer holds whole rows
  // of whole chunks where it can; one saved time point at least).
  std::size_t buffer_bytes = std::size_t{4} << 20;
  // Target bytes of one chunk of `data`.
  std::size_t chunk_bytes = std::size_t{1} << 20;
  // false: write on the caller's thread, without overlap. A shared file also
  // writes on the caller's thread when MPI was initialised below
  // MPI_THREAD_MULTIPLE (MPI-IO on a second thread would be unsafe).
  bool background = true;
  // true: commit() hands the file's close and rename to the writer thread and
  // returns at once (overlapping them with the caller's next work); the file
  // has its final name once the next begin(), flush() or the destructor has
  // waited for it, and an error of that commit is thrown by the next begin()
  // or flush(). Files shared by several ranks always commit at once.
  bool deferred_commit = false;
  // Called after each buffer of rows is handed to HDF5, on the thread that
  // wrote it, with the number of saved rows now in the file. An exception it
  // throws fails the solve as an I/O error would (write() or commit() rethrows
  // it on the caller's thread). For progress reports, and for tests.
  std::function<void(std::int64_t rows_written)> on_block_written;
};

class Hdf5TrajectorySink final : public core::TrajectorySink {
 public:
  // Files go to `directory`, which must exist. With a communicator of more
  // than one rank this is collective over it (it is duplicated).
  explicit Hdf5TrajectorySink(std::string directory, SinkOptions options = {});
  // Abandons an open solve, then stops the writer thread.
  ~Hdf5TrajectorySink() override;
  Hdf5TrajectorySink(const Hdf5TrajectorySink&) = delete;
  Hdf5TrajectorySink& operator=(const Hdf5TrajectorySink&) = delete;

  void begin(const core::SolveDescription& solve) override;
  void write(std::int64_t first, std::int64_t count, const double* times,
             const double* rows) override;
  void commit() override;
  void abandon() noexcept override;
  // Waits for a deferred commit (SinkOptions::deferred_commit) and throws its
  // error, if any; afterwards every committed file has its final name.
  void flush();

  // Zero-copy streaming, for producers that compute rows in place (write()
  // copies): next_rows() lends the sink's buffer space for the next saved
  // rows, from saved index `first` (the rows written so far), at most
  // `max_count` of them and never past the end of the buffer being filled.
  // Fill times[0 .. count) and rows (count x local_members x dim, row-major),
  // then call filled(k) for the first k <= count of them; the span is valid
  // until then. write() is next_rows(), a copy and filled() in a loop.
  using RowSpan = core::TrajectorySink::RowSpan;
  RowSpan next_rows(std::int64_t max_count) override;
  void filled(std::int64_t count) override;

  // The final path of the open solve's file (or of the last one begun).
  const std::string& path() const noexcept;
  // Saved time points a buffer holds, and the chunk shape of `data`
  // (steps, members, dim), for the open solve.
  std::int64_t buffer_steps() const noexcept;
  const std::int64_t* chunk_shape() const noexcept;
  // Whether rows are written by the background thread.
  bool writes_in_background() const noexcept;
  // Seconds the writer (the background thread, or the caller's thread without
  // one) spent creating, writing, closing and renaming files so far.
  double writer_seconds() const noexcept;
  // Files this sink completed (committed and renamed) so far.
  int files_committed() const noexcept;
  // The descriptions of those files, as read_solve_file() would read them
  // back (for write_stitched(), which then need not open them). Complete
  // after flush() (a deferred commit is added once done).
  std::vector<SolveFile> written_files() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace pint::io
