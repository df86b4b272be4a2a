#include "pint/io/trajectory_sink.hpp"

#include "impl/checksum.hpp"
#include "impl/hdf5.hpp"
#include "impl/mpi.hpp"
#include "impl/worker.hpp"
#include "pint/core/compat.hpp"
#include "pint/core/scoped_clock.hpp"
#include "pint/io/file_names.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace pint::io {

namespace {

// Global facts of a solve, hashed, so the ranks sharing a file can check that
// they describe the same solve.
std::uint64_t describe_hash(const core::SolveDescription& s) {
  std::ostringstream os;
  os.precision(17);
  os << s.system << '\n'
     << s.integrator << '\n'
     << s.dim << ' ' << s.iteration << ' ' << s.slice << ' ' << s.t0 << ' ' << s.t1 << ' ' << s.h
     << ' ' << s.n << ' ' << s.save_every << ' ' << s.ensemble_size;
  for (std::int64_t m : s.saved_members)
    os << ' ' << m;
  return Impl::fnv1a(os.str());
}

void validate(const core::SolveDescription& s, bool shared) {
  const auto reject = [&](const std::string& what) {
    throw std::invalid_argument("pint::io: cannot save the solve of slice " +
                                std::to_string(s.slice) + ", iteration " +
                                std::to_string(s.iteration) + ": " + what);
  };
  if (s.dim < 1) reject("dim is " + std::to_string(s.dim) + "; give the system's dimension (>= 1)");
  if (s.n < 1) reject("n is " + std::to_string(s.n) + "; give the number of steps (>= 1)");
  if (s.save_every < 1) {
    reject("save_every is " + std::to_string(s.save_every) + "; give 1 or more");
  }
  if (!std::isfinite(s.t0) || !std::isfinite(s.t1) || !(s.t0 < s.t1) || !std::isfinite(s.h)) {
    reject("the span must be finite with t0 < t1 and h finite");
  }
  const auto& m = s.saved_members;
  if (m.empty()) reject("no saved members; save at least one member, or pass no sink");
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m[i] < 0 || (s.ensemble_size > 0 && m[i] >= s.ensemble_size) ||
        (i > 0 && m[i] <= m[i - 1])) {
      reject("saved_members must be increasing indices in 0 .. ensemble_size-1 (entry " +
             std::to_string(i) + " is " + std::to_string(m[i]) + ")");
    }
  }
  const auto total = static_cast<std::int64_t>(m.size());
  if (s.member_offset < 0 || s.local_members < 0 || s.member_offset + s.local_members > total) {
    reject("this rank's block [member_offset, member_offset + local_members) = [" +
           std::to_string(s.member_offset) + ", " +
           std::to_string(s.member_offset + s.local_members) + ") is outside the " +
           std::to_string(total) + " saved members");
  }
  if (!shared && (s.member_offset != 0 || s.local_members != total)) {
    reject("this sink writes all " + std::to_string(total) +
           " saved members itself (it has no communicator), but the solve gives it only [" +
           std::to_string(s.member_offset) + ", " +
           std::to_string(s.member_offset + s.local_members) +
           "); pass SinkOptions::comm with the ranks sharing the slice, or set local_members to "
           "all saved members");
  }
}

// Adds its lifetime to the writer's busy time.
using BusyClock = core::ScopedClock<std::atomic<std::int64_t>>;

}  // namespace

struct Hdf5TrajectorySink::State {
  using RowSpan = Hdf5TrajectorySink::RowSpan;
  std::string directory;
  SinkOptions options;
  bool shared = false;                  // several ranks write each file (MPI-IO)
  MPI_Comm check_comm = MPI_COMM_NULL;  // caller's thread: begin()'s agreement check
  MPI_Comm file_comm = MPI_COMM_NULL;   // writer: MPI-IO and commit's outcome
  int rank = 0;

  // The open solve (caller's side).
  bool open = false;
  core::SolveDescription solve;
  std::string final_path, temp_path;
  std::int64_t steps = 0;       // saved time points
  std::int64_t row_values = 0;  // local_members * dim
  std::int64_t block_steps = 0;
  std::array<std::int64_t, 3> chunk{};
  std::int64_t next = 0;  // next saved index write() expects
  // Memory for a block's values, not initialised (every value used is
  // written first): a fresh page costs a fault and a zero fill, and a block a
  // solve never fills is never touched.
  struct Buffer {
    std::unique_ptr<double[]> values;
    std::int64_t capacity = 0;
    double* ensure(std::int64_t n) {
      if (n > capacity) {
        values.reset(new double[static_cast<std::size_t>(n)]);
        capacity = n;
      }
      return n > 0 ? values.get() : nullptr;
    }
  };
  struct Block {
    Buffer rows, times;
    std::int64_t first = 0, count = 0;
  };
  std::array<Block, 2> blocks;
  std::array<std::atomic<bool>, 2> writing{};  // handed to the writer, not yet written
  int filling = 0;

  // The file (writer's side).
  Impl::Handle file, data, t, xfer;
  // Checksums of this rank's part of 'data' and 't' (impl/checksum.hpp); the
  // ranks sharing a file add theirs when it closes.
  std::uint64_t data_sum = 0, t_sum = 0;
  std::atomic<std::int64_t> writer_ns{0};  // time the writer spent on files
  int committed = 0;                       // files completed (renamed)
  double first_time = 0, last_time = 0;    // of the open file's rows (writer's side)
  mutable std::mutex written_mutex;
  std::vector<SolveFile> written;  // the files completed (writer's side, under the mutex)
  bool pending_commit = false;     // a deferred commit not yet waited for

  std::unique_ptr<Impl::Worker> worker;  // declared last: stopped first

  void rethrow_if_failed() {
    if (auto e = worker->error()) std::rethrow_exception(e);
  }

  // Waits for a deferred commit; throws its error (its temporary file removed).
  void settle() {
    if (!pending_commit) return;
    worker->wait();
    pending_commit = false;
    if (auto e = worker->error()) {
      worker->clear_error();
      discard_file();
      std::rethrow_exception(e);
    }
    ++committed;
  }

  RowSpan lent;  // the span next_rows() lent, until filled()

  void check_writable(const char* what) {
    if (!open) {
      throw std::logic_error(std::string("pint::io: ") + what +
                             " without begin(); begin a solve first");
    }
    rethrow_if_failed();
  }

  // Caller's thread: room for up to `max_count` rows at saved index `next`
  // in the buffer being filled (never past its end or the last saved row).
  RowSpan span(std::int64_t max_count) {
    Block& b = blocks[static_cast<std::size_t>(filling)];
    const std::int64_t n = std::min({max_count, block_steps - b.count, steps - next});
    double* times = b.times.ensure(block_steps);
    double* rows = b.rows.ensure(block_steps * row_values);
    return RowSpan{next, n, times + b.count,
                   rows == nullptr ? nullptr : rows + b.count * row_values};
  }
  // Caller's thread: `n` more rows of the buffer are filled.
  void fill(std::int64_t n) {
    Block& b = blocks[static_cast<std::size_t>(filling)];
    b.count += n;
    next += n;
    if (b.count == block_steps) hand_off();
  }

  // Caller's thread: hand the filled block to the writer, start the other.
  // Waits only when the other block is still being written (not for the
  // file's creation: a small solve's rows overlap it).
  void hand_off() {
    if (writing[filling ^ 1].load()) worker->wait();  // it may be refilled once written
    rethrow_if_failed();
    const int index = filling;
    writing[index] = true;
    worker->submit([this, index] {
      try {
        write_block(index);
      } catch (...) {
        writing[index] = false;
        throw;
      }
      writing[index] = false;
    });
    filling ^= 1;
    blocks[filling].first = next;
    blocks[filling].count = 0;
  }

  // Writer's side ------------------------------------------------------------
  void open_file();
  void write_block(int index);
  void close_file();
  void discard_file() noexcept;
};

void Hdf5TrajectorySink::State::open_file() {
  BusyClock busy(writer_ns);
  Impl::Hdf5Guard guard;
  const std::string& f = temp_path;
  Impl::Handle fapl = Impl::property_list(H5P_FILE_ACCESS, f);
  xfer = Impl::property_list(H5P_DATASET_XFER, f);
#ifdef H5_HAVE_PARALLEL
  if (shared) {
    Impl::check(H5Pset_fapl_mpio(fapl, file_comm, MPI_INFO_NULL), "set up MPI-IO", f);
    Impl::check(H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE), "set up collective writes", f);
  }
#endif
  file = Impl::Handle(H5Fcreate(f.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), "create the file", f);

  const auto members = static_cast<hsize_t>(solve.saved_members.size());
  const auto dim = static_cast<hsize_t>(solve.dim);
  const auto make_dcpl = [&](const std::vector<hsize_t>& chunk_dims, int level) {
    Impl::Handle dcpl = Impl::property_list(H5P_DATASET_CREATE, f);
    Impl::check(H5Pset_chunk(dcpl, static_cast<int>(chunk_dims.size()), chunk_dims.data()),
                "set the chunk shape", f);
    if (level > 0) {
      Impl::check(H5Pset_deflate(dcpl, static_cast<unsigned>(level)), "enable gzip compression", f);
    }
    // Every value is written; no fill pass (it would double the I/O).
    Impl::check(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER), "set the fill time", f);
    return dcpl;
  };
  {
    Impl::Handle dcpl = make_dcpl({static_cast<hsize_t>(chunk[0]), static_cast<hsize_t>(chunk[1]),
                                   static_cast<hsize_t>(chunk[2])},
                                  options.compression);
    Impl::Handle space = Impl::dataspace({static_cast<hsize_t>(steps), members, dim}, f);
    // Blocks are whole chunks: without a filter HDF5 can write them straight
    // from our buffer, but only if a chunk does not fit its chunk cache (else
    // it stages every chunk through the cache: a memset and a copy more).
    Impl::Handle dapl = Impl::property_list(H5P_DATASET_ACCESS, f);
    if (options.compression == 0) {
      Impl::check(H5Pset_chunk_cache(dapl, 0, 0, H5D_CHUNK_CACHE_W0_DEFAULT),
                  "turn the chunk cache off", f);
    }
    data = Impl::Handle(H5Dcreate2(file, "data", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, dapl),
                        "create dataset 'data'", f);
  }
  {
    Impl::Handle dcpl = make_dcpl({static_cast<hsize_t>(block_steps)}, 0);
    Impl::Handle space = Impl::dataspace({static_cast<hsize_t>(steps)}, f);
    t = Impl::Handle(H5Dcreate2(file, "t", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                     "create dataset 't'", f);
  }
  {
    Impl::Handle space = Impl::dataspace({members}, f);
    Impl::Handle set(
        H5Dcreate2(file, "members", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        "create dataset 'members'", f);
    Impl::write_box(set, H5T_NATIVE_INT64, {0}, {rank == 0 ? members : 0},
                    solve.saved_members.data(), xfer, "write dataset 'members'", f);
    const std::uint64_t sum =
        Impl::checksum_add(0, solve.saved_members.data(), static_cast<std::int64_t>(members), 0);
    Impl::write_attribute(set, Impl::checksum_attribute, static_cast<std::int64_t>(sum), f);
  }
  const Attributes attributes = {
      {"t0", solve.t0},
      {"t1", solve.t1},
      {"h", solve.h},
      {"n", solve.n},
      {"iteration", solve.iteration},
      {"slice", solve.slice},
      {"integrator", solve.integrator},
      {"system", solve.system},
      {"save_every", solve.save_every},
      {"ensemble_size", solve.ensemble_size},
      {"member_begin", solve.saved_members.front()},
      {"member_end", solve.saved_members.back() + 1},
      // Which iterate the rows are: the last row is F(U_n^{k-1}), not run.h5's
      // corrected U_{n+1}^k (they differ by up to the tolerance).
      {"input_iteration", std::int64_t{solve.iteration} - 1},
      {"final_sweep", solve.final_sweep ? 1 : 0},
      {"holds", solve.final_sweep
                    ? std::string("F(U_n^K): the final sweep's fine solve of slice n = `slice` "
                                  "from the converged boundary state U_n^K in run.h5 (K = "
                                  "`iteration` - 1, the last parareal iteration): its first row "
                                  "is that boundary, bit for bit")
                : solve.iteration > 0
                    ? std::string("F(U_n^{k-1}): the fine solve of slice n = `slice` from the "
                                  "boundary state of parareal iteration k-1 (k = `iteration`); "
                                  "its last row is not U_{n+1}^k in run.h5, which adds the "
                                  "coarse correction G(U_n^k) - G(U_n^{k-1})")
                    : std::string("the fine propagator alone from the previous slice's end "
                                  "(a sequential run): its last row is the next boundary")},
  };
  Impl::write_new_attributes(data, attributes, f);
  data_sum = t_sum = 0;
}

void Hdf5TrajectorySink::State::write_block(int index) {
  BusyClock busy(writer_ns);
  const Block& b = blocks[index];
  {
    Impl::Hdf5Guard guard;
    const auto first = static_cast<hsize_t>(b.first);
    const auto count = static_cast<hsize_t>(b.count);
    Impl::write_box(
        data, H5T_NATIVE_DOUBLE, {first, static_cast<hsize_t>(solve.member_offset), 0},
        {count, static_cast<hsize_t>(solve.local_members), static_cast<hsize_t>(solve.dim)},
        row_values == 0 ? nullptr : b.rows.values.get(), xfer, "write rows to dataset 'data'",
        temp_path);
    // The times are the same on every rank sharing the file: rank 0 writes them.
    Impl::write_box(t, H5T_NATIVE_DOUBLE, {first}, {rank == 0 ? count : 0}, b.times.values.get(),
                    xfer, "write times to dataset 't'", temp_path);
  }
  // This rank's rows are values [offset, offset + row_values) of each saved
  // step's members x dim in the whole dataset.
  const auto total = static_cast<std::uint64_t>(solve.saved_members.size()) *
                     static_cast<std::uint64_t>(solve.dim);
  const auto offset = static_cast<std::uint64_t>(solve.member_offset * solve.dim);
  for (std::int64_t s = 0; s < b.count; ++s) {
    data_sum = Impl::checksum_add(data_sum, b.rows.values.get() + s * row_values, row_values,
                                  static_cast<std::uint64_t>(b.first + s) * total + offset);
  }
  if (b.count > 0 && b.first == 0) first_time = b.times.values[0];
  if (b.count > 0 && b.first + b.count == steps) {
    last_time = b.times.values[static_cast<std::size_t>(b.count - 1)];
  }
  if (rank == 0) {
    t_sum = Impl::checksum_add(t_sum, b.times.values.get(), b.count,
                               static_cast<std::uint64_t>(b.first));
  }
  if (options.on_block_written) options.on_block_written(b.first + b.count);
}

void Hdf5TrajectorySink::State::close_file() {
  BusyClock busy(writer_ns);
  std::uint64_t sums[2] = {data_sum, t_sum};
  if (shared) MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_UINT64_T, MPI_SUM, file_comm);
  {
    Impl::Hdf5Guard guard;
    Impl::write_attribute(data, Impl::checksum_attribute, static_cast<std::int64_t>(sums[0]),
                          temp_path);
    Impl::write_attribute(t, Impl::checksum_attribute, static_cast<std::int64_t>(sums[1]),
                          temp_path);
    data.close("finish dataset 'data'", temp_path);
    t.close("finish dataset 't'", temp_path);
    xfer.reset();
    file.close("close the file", temp_path);
  }
  std::string failure;
  if (rank == 0) {
    try {
      Impl::publish(temp_path, final_path);
      if (!options.keep_iterations) {
        remove_older_iterations(directory, solve.iteration, solve.t0, solve.t1);
      }
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
  if (shared) Impl::broadcast(failure, file_comm);
  if (!failure.empty()) throw std::runtime_error(failure);
  SolveFile w;
  w.path = final_path;
  w.system = solve.system;
  w.integrator = solve.integrator;
  w.iteration = solve.iteration;
  w.slice = solve.slice;
  w.t0 = solve.t0;
  w.t1 = solve.t1;
  w.n = solve.n;
  w.save_every = solve.save_every;
  w.ensemble_size = solve.ensemble_size;
  w.steps = steps;
  w.dim = solve.dim;
  w.members = solve.saved_members;
  w.first_time = first_time;
  w.last_time = last_time;
  std::lock_guard<std::mutex> lock(written_mutex);
  written.push_back(std::move(w));
}

void Hdf5TrajectorySink::State::discard_file() noexcept {
  BusyClock busy(writer_ns);
  {
    Impl::Hdf5Guard guard;
    data.reset();
    t.reset();
    xfer.reset();
    file.reset();
  }
  if (rank == 0) {
    std::error_code ec;
    std::filesystem::remove(temp_path, ec);
  }
}

Hdf5TrajectorySink::Hdf5TrajectorySink(std::string directory, SinkOptions options)
    : state_(std::make_unique<State>()) {
  ScopedRegion region("pint::io::Hdf5TrajectorySink::Hdf5TrajectorySink");
  State& s = *state_;
  if (options.compression < 0 || options.compression > 9) {
    throw std::invalid_argument("pint::io: compression level " +
                                std::to_string(options.compression) +
                                " is not a gzip level; give 0 (none) to 9");
  }
  if (options.buffer_bytes == 0 || options.chunk_bytes == 0) {
    throw std::invalid_argument(
        "pint::io: buffer_bytes and chunk_bytes must be positive; leave them at their defaults "
        "(4 MiB and 1 MiB) unless you measured better ones");
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(directory, ec)) {
    throw std::invalid_argument("pint::io: the output directory '" + directory +
                                "' does not exist; create it first");
  }
  s.directory = std::move(directory);
  s.options = std::move(options);
  bool background = s.options.background;
  if (s.options.comm != MPI_COMM_SELF && s.options.comm != MPI_COMM_NULL) {
    int size = 1;
    MPI_Comm_size(s.options.comm, &size);
    s.shared = size > 1;
  }
  if (s.shared) {
#ifndef H5_HAVE_PARALLEL
    throw std::runtime_error(
        "pint::io: ranks sharing a slice's file need an HDF5 built with MPI, but pint was built "
        "with a serial one (" H5_VERS_INFO
        "); rebuild pint against a parallel HDF5 (Debian: libhdf5-openmpi-dev) or run without "
        "member blocks");
#else
    MPI_Comm_dup(s.options.comm, &s.check_comm);
    MPI_Comm_dup(s.options.comm, &s.file_comm);
    MPI_Comm_rank(s.file_comm, &s.rank);
    int level = MPI_THREAD_SINGLE;
    MPI_Query_thread(&level);
    background = background && level >= MPI_THREAD_MULTIPLE;
#endif
  }
  s.worker = std::make_unique<Impl::Worker>(background);
}

Hdf5TrajectorySink::~Hdf5TrajectorySink() {
  abandon();
  state_->worker.reset();
  int finalized = 0;
  MPI_Finalized(&finalized);
  for (MPI_Comm* c : {&state_->check_comm, &state_->file_comm}) {
    if (*c != MPI_COMM_NULL && !finalized) MPI_Comm_free(c);
  }
}

void Hdf5TrajectorySink::begin(const core::SolveDescription& solve) {
  ScopedRegion region("pint::io::Hdf5TrajectorySink::begin");
  State& s = *state_;
  if (s.open) {
    throw std::logic_error("pint::io: begin() while " + s.final_path +
                           " is still open; commit() or abandon() the previous solve first");
  }
  validate(solve, s.shared);
  s.settle();
  if (s.shared) {
    Impl::check_member_blocks(describe_hash(solve), solve.member_offset, solve.local_members,
                              static_cast<std::int64_t>(solve.saved_members.size()), s.check_comm,
                              "slice " + std::to_string(solve.slice));
  }
  s.worker->wait();
  s.worker->clear_error();
  s.writing[0] = false;  // a block of a failed solve may have been skipped
  s.writing[1] = false;

  s.solve = solve;
  s.final_path =
      (std::filesystem::path(s.directory) / fine_file_name(solve.iteration, solve.t0, solve.t1))
          .string();
  s.temp_path = partial_path(s.final_path);
  s.steps = solve.saved_steps();
  s.row_values = solve.local_members * solve.dim;
  const auto members = static_cast<std::int64_t>(solve.saved_members.size());
  const auto c = Impl::chunk_shape(s.steps, members, solve.dim, s.options.chunk_bytes);
  s.chunk = {static_cast<std::int64_t>(c[0]), static_cast<std::int64_t>(c[1]),
             static_cast<std::int64_t>(c[2])};
  // Block boundaries depend on global sizes only, so every rank sharing a file
  // writes (collectively) at the same saved indices.
  const auto row_bytes = members * solve.dim * static_cast<std::int64_t>(sizeof(double));
  std::int64_t b = static_cast<std::int64_t>(s.options.buffer_bytes) / row_bytes;
  b = std::max<std::int64_t>(1, std::min(b, s.steps));
  if (b >= s.chunk[0] && b < s.steps) b -= b % s.chunk[0];
  s.block_steps = b;
  for (auto& block : s.blocks)  // memory comes with the first rows (State::span())
    block.first = block.count = 0;
  s.filling = 0;
  s.next = 0;
  s.lent = RowSpan{};
  s.open = true;
  s.worker->submit([&s] { s.open_file(); });
}

void Hdf5TrajectorySink::write(std::int64_t first, std::int64_t count, const double* times,
                               const double* rows) {
  ScopedRegion region("pint::io::Hdf5TrajectorySink::write");
  State& s = *state_;
  s.check_writable("write()");
  if (first != s.next) {
    throw std::invalid_argument("pint::io: write() got saved index " + std::to_string(first) +
                                " for " + s.final_path + " but expected " + std::to_string(s.next) +
                                "; write every saved time point once, in order");
  }
  if (count < 0 || count > s.steps - first) {
    throw std::out_of_range("pint::io: write() of " + std::to_string(count) +
                            " rows from saved index " + std::to_string(first) + " overruns the " +
                            std::to_string(s.steps) + " saved time points of " + s.final_path +
                            "; check n and save_every of the SolveDescription");
  }
  if (count > 0 && (times == nullptr || (rows == nullptr && s.row_values > 0))) {
    throw std::invalid_argument("pint::io: write() got a null times or rows pointer");
  }
  while (count > 0) {
    const RowSpan span = s.span(count);
    std::memcpy(span.times, times, static_cast<std::size_t>(span.count) * sizeof(double));
    if (s.row_values > 0) {
      std::memcpy(span.rows, rows,
                  static_cast<std::size_t>(span.count * s.row_values) * sizeof(double));
      rows += span.count * s.row_values;
    }
    times += span.count;
    count -= span.count;
    s.fill(span.count);
  }
}

Hdf5TrajectorySink::RowSpan Hdf5TrajectorySink::next_rows(std::int64_t max_count) {
  ScopedRegion region("pint::io::Hdf5TrajectorySink::next_rows");
  State& s = *state_;
  s.check_writable("next_rows()");
  if (max_count < 1) {
    throw std::invalid_argument("pint::io: next_rows() needs max_count >= 1, got " +
                                std::to_string(max_count));
  }
  s.lent = s.span(max_count);
  return s.lent;
}

void Hdf5TrajectorySink::filled(std::int64_t count) {
  ScopedRegion region("pint::io::Hdf5TrajectorySink::filled");
  State& s = *state_;
  s.check_writable("filled()");
  if (count < 0 || count > s.lent.count) {
    throw std::invalid_argument("pint::io: filled(" + std::to_string(count) +
                                ") after next_rows() lent " + std::to_string(s.lent.count) +
                                " rows; report at most the rows of the last next_rows()");
  }
  s.lent = RowSpan{};
  s.fill(count);
}

void Hdf5TrajectorySink::commit() {
  ScopedRegion region("pint::io::Hdf5TrajectorySink::commit");
  State& s = *state_;
  if (!s.open) throw std::logic_error("pint::io: commit() without begin(); begin a solve first");
  if (s.next != s.steps) {
    throw std::logic_error("pint::io: commit() after " + std::to_string(s.next) + " of " +
                           std::to_string(s.steps) + " saved time points of " + s.final_path +
                           "; write the remaining rows first, or abandon() the solve");
  }
  if (s.blocks[static_cast<std::size_t>(s.filling)].count > 0) s.hand_off();
  s.worker->submit([&s] { s.close_file(); });
  if (s.options.deferred_commit && !s.shared && s.worker->background()) {
    s.open = false;
    s.pending_commit = true;
    return;
  }
  s.worker->wait();
  s.rethrow_if_failed();
  s.open = false;
  ++s.committed;
}

void Hdf5TrajectorySink::flush() {
  ScopedRegion region("pint::io::Hdf5TrajectorySink::flush");
  state_->settle();
}

void Hdf5TrajectorySink::abandon() noexcept {
  ScopedRegion region("pint::io::Hdf5TrajectorySink::abandon");
  State& s = *state_;
  if (!s.open) {
    try {
      s.settle();  // a deferred commit completes (its error has no caller left)
    } catch (...) {
    }
    return;
  }
  try {
    s.worker->wait();
    s.worker->submit([&s] { s.discard_file(); }, true);
    s.worker->wait();
  } catch (...) {
    s.discard_file();  // the worker could not take the task: discard here
  }
  s.open = false;
}

const std::string& Hdf5TrajectorySink::path() const noexcept {
  return state_->final_path;
}
std::int64_t Hdf5TrajectorySink::buffer_steps() const noexcept {
  return state_->block_steps;
}
const std::int64_t* Hdf5TrajectorySink::chunk_shape() const noexcept {
  return state_->chunk.data();
}
int Hdf5TrajectorySink::files_committed() const noexcept {
  return state_->committed;
}
std::vector<SolveFile> Hdf5TrajectorySink::written_files() const {
  std::lock_guard<std::mutex> lock(state_->written_mutex);
  return state_->written;
}
double Hdf5TrajectorySink::writer_seconds() const noexcept {
  return static_cast<double>(state_->writer_ns.load()) * 1e-9;
}
bool Hdf5TrajectorySink::writes_in_background() const noexcept {
  return state_->worker->background();
}

}  // namespace pint::io
