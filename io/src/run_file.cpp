#include "pint/io/run_file.hpp"

#include "impl/hdf5.hpp"
#include "impl/mpi.hpp"
#include "pint/core/compat.hpp"
#include "pint/io/file_names.hpp"

#include <climits>
#include <filesystem>
#include <iostream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace pint::io {

namespace {

// One rank's part, as every rank sees it after the exchange.
struct Part {
  std::int64_t first_boundary, boundary_count, member_offset, local_members, states, timings;
};

std::uint64_t global_hash(const RunRecord& r) {
  std::ostringstream os;
  os << std::hexfloat << r.slices << ' ' << r.members << ' ' << r.dim << '\n';
  for (double v : r.boundary_times)
    os << v << ' ';
  os << '\n';
  for (double v : r.convergence)
    os << v << ' ';
  os << '\n';
  for (const auto& p : r.phases)
    os << p.size() << ':' << p << ' ';
  os << '\n';
  for (const auto& a : r.config) {
    os << a.name.size() << ':' << a.name << '=' << a.value.get().index() << ':';
    std::visit([&](const auto& v) { os << v; }, a.value.get());
    os << '\n';
  }
  return Impl::fnv1a(os.str());
}

// Every rank runs the same checks on the same data, so all throw together.
std::vector<Part> exchange_and_check(const RunRecord& r, MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  const std::int64_t mine[7] = {static_cast<std::int64_t>(global_hash(r)),
                                r.first_boundary,
                                r.boundary_count,
                                r.member_offset,
                                r.local_members,
                                static_cast<std::int64_t>(r.boundary_states.size()),
                                static_cast<std::int64_t>(r.timings.size())};
  std::vector<std::int64_t> all(7 * static_cast<std::size_t>(size));
  MPI_Allgather(mine, 7, MPI_INT64_T, all.data(), 7, MPI_INT64_T, comm);
  const auto reject = [](int rank, const std::string& what) {
    throw std::invalid_argument("pint::io: cannot write the run file: rank " +
                                std::to_string(rank) + " " + what);
  };
  if (r.slices < 1 || r.members < 0 || r.dim < 1) {
    reject(0, "gives " + std::to_string(r.slices) + " slices, " + std::to_string(r.members) +
                  " members, dim " + std::to_string(r.dim) +
                  "; give at least one slice and dim >= 1");
  }
  if (!r.boundary_times.empty() &&
      static_cast<std::int64_t>(r.boundary_times.size()) != r.slices + 1) {
    reject(0, "gives " + std::to_string(r.boundary_times.size()) + " boundary times for " +
                  std::to_string(r.slices) + " slices; give slices + 1 of them, or none");
  }
  std::vector<Part> parts;
  for (int q = 0; q < size; ++q) {
    const std::int64_t* e = &all[7 * static_cast<std::size_t>(q)];
    if (e[0] != all[0]) {
      reject(q,
             "has other global fields (slices, members, dim, boundary times, convergence, "
             "phases or configuration) than rank 0; give every rank the same ones");
    }
    const Part p{e[1], e[2], e[3], e[4], e[5], e[6]};
    if (p.first_boundary < 0 || p.boundary_count < 0 ||
        p.first_boundary + p.boundary_count > r.slices + 1 || p.member_offset < 0 ||
        p.local_members < 0 || p.member_offset + p.local_members > r.members) {
      reject(q, "passes boundaries [" + std::to_string(p.first_boundary) + ", " +
                    std::to_string(p.first_boundary + p.boundary_count) + ") of members [" +
                    std::to_string(p.member_offset) + ", " +
                    std::to_string(p.member_offset + p.local_members) + "), outside 0.." +
                    std::to_string(r.slices) + " x 0.." + std::to_string(r.members - 1));
    }
    if (p.states != p.boundary_count * p.local_members * r.dim) {
      reject(q, "passes " + std::to_string(p.states) + " boundary values for a block of " +
                    std::to_string(p.boundary_count) + " x " + std::to_string(p.local_members) +
                    " x " + std::to_string(r.dim) + "; pass exactly that many");
    }
    if (p.timings != static_cast<std::int64_t>(r.phases.size())) {
      reject(q, "passes " + std::to_string(p.timings) + " timings for " +
                    std::to_string(r.phases.size()) + " phases; pass one per phase");
    }
    for (int o = 0; o < q; ++o) {
      const Part& a = parts[static_cast<std::size_t>(o)];
      const bool rows = a.first_boundary < p.first_boundary + p.boundary_count &&
                        p.first_boundary < a.first_boundary + a.boundary_count;
      const bool cols = a.member_offset < p.member_offset + p.local_members &&
                        p.member_offset < a.member_offset + a.local_members;
      if (rows && cols) {
        reject(q, "passes boundary values that rank " + std::to_string(o) +
                      " passes too; give each boundary of each member to one rank");
      }
    }
    parts.push_back(p);
  }
  return parts;
}

Impl::Handle create_doubles(hid_t file, const std::string& name, const std::vector<hsize_t>& dims,
                            const std::string& f) {
  Impl::Handle dcpl = Impl::property_list(H5P_DATASET_CREATE, f);
  const double missing = std::numeric_limits<double>::quiet_NaN();  // what no rank wrote
  Impl::check(H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &missing), "set a fill value", f);
  Impl::Handle space = Impl::dataspace(dims, f);
  return Impl::Handle(
      H5Dcreate2(file, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
      "create dataset '" + name + "'", f);
}

// Gathers every rank's doubles on rank 0, in rank order.
std::vector<double> gather(const std::vector<double>& mine, const std::vector<std::int64_t>& sizes,
                           MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::vector<int> counts, offsets;
  long long total = 0;
  for (std::int64_t s : sizes) {
    if (total + s > INT_MAX) {
      throw std::runtime_error(
          "pint::io: the run file's boundary values exceed 2^31 values, too "
          "many to gather on rank 0; use a parallel HDF5 (MPI-IO)");
    }
    offsets.push_back(static_cast<int>(total));
    counts.push_back(static_cast<int>(s));
    total += s;
  }
  std::vector<double> all(rank == 0 ? static_cast<std::size_t>(total) : 0);
  MPI_Gatherv(mine.data(), static_cast<int>(mine.size()), MPI_DOUBLE, all.data(), counts.data(),
              offsets.data(), MPI_DOUBLE, 0, comm);
  return all;
}

// What one rank writes into run.h5: its own block (collective), or every
// rank's (rank 0, gathered), with their values one block after the other.
struct Contents {
  const RunRecord& record;
  std::vector<const Part*> blocks;
  const double* states = nullptr;
  const double* timings = nullptr;
  bool collective = false;
  int rank = 0, size = 1;
};

void write_contents(const std::string& f, const Contents& c, MPI_Comm comm) {
  Impl::Hdf5Guard guard;
  // A failure on one rank of several writing together ends the job (no hang).
  Impl::CollectiveSection section(c.collective && c.size > 1);
  const RunRecord& r = c.record;
  Impl::Handle fapl = Impl::property_list(H5P_FILE_ACCESS, f);
  Impl::Handle xfer = Impl::property_list(H5P_DATASET_XFER, f);
#ifdef H5_HAVE_PARALLEL
  if (c.collective) {
    Impl::check(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL), "set up MPI-IO", f);
    Impl::check(H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE), "set up collective writes", f);
  }
#else
  (void)comm;
#endif
  Impl::Handle file(H5Fcreate(f.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), "create the file", f);
  const auto boundaries = static_cast<hsize_t>(r.slices + 1);
  const auto dim = static_cast<hsize_t>(r.dim);
  const auto phases = static_cast<hsize_t>(r.phases.size());
  const bool lead = c.rank == 0;  // writes what all ranks share
  {
    Impl::Handle states = create_doubles(file, "boundary_states",
                                         {boundaries, static_cast<hsize_t>(r.members), dim}, f);
    Impl::Handle timings =
        create_doubles(file, "timings", {static_cast<hsize_t>(c.size), phases}, f);
    std::size_t offset = 0;
    for (std::size_t i = 0; i < c.blocks.size(); ++i) {
      const Part& p = *c.blocks[i];
      const auto owner = static_cast<hsize_t>(c.collective ? c.rank : static_cast<int>(i));
      Impl::write_box(
          states, H5T_NATIVE_DOUBLE,
          {static_cast<hsize_t>(p.first_boundary), static_cast<hsize_t>(p.member_offset), 0},
          {static_cast<hsize_t>(p.boundary_count), static_cast<hsize_t>(p.local_members), dim},
          c.states + offset, xfer, "write dataset 'boundary_states'", f);
      Impl::write_box(timings, H5T_NATIVE_DOUBLE, {owner, 0}, {1, phases}, c.timings + i * phases,
                      xfer, "write dataset 'timings'", f);
      offset += static_cast<std::size_t>(p.states);
    }
    Impl::write_attribute(timings, "phases", r.phases, f);
    states.close("finish dataset 'boundary_states'", f);
    timings.close("finish dataset 'timings'", f);
  }
  {
    Impl::Handle set = create_doubles(file, "convergence", {r.convergence.size()}, f);
    // An empty history (a sequential run) has no storage to write to; every
    // rank skips the collective write alike (the size is global).
    if (!r.convergence.empty()) {
      Impl::write_box(set, H5T_NATIVE_DOUBLE, {0}, {lead ? r.convergence.size() : 0},
                      r.convergence.data(), xfer, "write dataset 'convergence'", f);
    }
    set.close("finish dataset 'convergence'", f);
  }
  if (!r.boundary_times.empty()) {
    Impl::Handle set = create_doubles(file, "boundary_times", {boundaries}, f);
    Impl::write_box(set, H5T_NATIVE_DOUBLE, {0}, {lead ? boundaries : 0}, r.boundary_times.data(),
                    xfer, "write dataset 'boundary_times'", f);
    set.close("finish dataset 'boundary_times'", f);
  }
  Impl::write_attributes(file, r.config, f);  // the built-in names below win
  Impl::write_attributes(file,
                         {{"slices", r.slices},
                          {"members", r.members},
                          {"dim", r.dim},
                          {"ranks", c.size},
                          {"iterations", r.convergence.size()},
                          {"written_collectively", c.collective}},
                         f);
  file.close("close the file", f);
}

}  // namespace

RunFileResult write_run_file(const std::string& path, const RunRecord& record, MPI_Comm comm,
                             const RunFileOptions& options) {
  ScopedRegion region("pint::io::write_run_file");
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const std::vector<Part> parts = exchange_and_check(record, comm);
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
    throw std::invalid_argument("pint::io: the directory of the run file " + path +
                                " does not exist; create it first");
  }
#ifdef H5_HAVE_PARALLEL
  const bool collective = !options.gather_on_rank0;
#else
  const bool collective = false;
  if (rank == 0 && !options.gather_on_rank0) {
    std::cerr << "pint::io: this HDF5 (" H5_VERS_INFO ") has no MPI-IO; rank 0 gathers and writes "
              << path << " alone\n";
  }
#endif

  Contents contents{record, {},  record.boundary_states.data(), record.timings.data(), collective,
                    rank,   size};
  std::vector<double> gathered_states, gathered_timings;
  if (collective) {
    contents.blocks.push_back(&parts[static_cast<std::size_t>(rank)]);
  } else {
    std::vector<std::int64_t> state_sizes, timing_sizes;
    for (const Part& p : parts) {
      state_sizes.push_back(p.states);
      timing_sizes.push_back(p.timings);
    }
    gathered_states = gather(record.boundary_states, state_sizes, comm);
    gathered_timings = gather(record.timings, timing_sizes, comm);
    contents.states = gathered_states.data();
    contents.timings = gathered_timings.data();
    if (rank == 0) {
      for (const Part& p : parts)
        contents.blocks.push_back(&p);
    }
  }

  std::exception_ptr error;
  if (collective || rank == 0) {
    try {
      const std::string f = partial_path(path);
      write_contents(f, contents, comm);
      if (rank == 0) Impl::publish(f, path);
    } catch (...) {
      error = std::current_exception();
    }
  }
  // A failure on any rank fails the call on every rank (none waits for it).
  int failed = error ? 1 : 0, any_failed = 0;
  MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, comm);
  if (error) std::rethrow_exception(error);
  if (any_failed) {
    throw std::runtime_error("pint::io: writing the run file " + path +
                             " failed on another rank; see that rank's message");
  }
  return RunFileResult{path, collective};
}

}  // namespace pint::io
