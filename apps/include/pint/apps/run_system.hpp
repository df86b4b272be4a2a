// `pint run` for one system: the ensemble, the parareal solver (or the fine
// propagator alone) streaming into the HDF5 sink, then trajectory.h5, run.h5,
// run.json and the plots. A template on the system, compiled where the system
// is known: in pint for its own systems, in the user's project for theirs
// (system_entry.hpp, pint_add_cli()).
#pragma once

#include "collective.hpp"
#include "galaxy_output.hpp"
#include "info.hpp"
#include "output_dir.hpp"
#include "pint/core/ensemble.hpp"
#include "pint/core/galaxy.hpp"
#include "pint/core/systems.hpp"
#include "pint/io/file_names.hpp"
#include "pint/io/holding_sink.hpp"
#include "pint/io/run_file.hpp"
#include "pint/io/stitch.hpp"
#include "pint/io/trajectory_sink.hpp"
#include "pint/parareal/solver.hpp"
#include "report.hpp"
#include "resume.hpp"
#include "run.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <type_traits>

namespace pint::apps {

namespace Impl {

namespace fs = std::filesystem;
using Exec = Kokkos::DefaultExecutionSpace;
using Mem = Exec::memory_space;

inline parareal::Propagator propagator(const PropagatorConfig& p) {
  return {kernels::parse_method(p.method), p.h, p.steps};
}

// The solve of slice n in iteration k, as its stored file must describe it.
template <class System>
ExpectedSolve expected(const RunConfig& cfg, const std::vector<double>& times, int k, int n) {
  const auto fine = propagator(cfg.fine);
  return {cfg.output,
          k,
          n,
          times[n],
          times[n + 1],
          fine.steps_for(times[n], times[n + 1]),
          cfg.system,
          kernels::method_name(fine.method),
          cfg.members,
          System::dim};
}

// Rows [0, members) x dim of a state view, row-major, on the host.
inline std::vector<double> host_rows(const Kokkos::View<double**, Kokkos::LayoutLeft, Mem>& state) {
  std::vector<double> rows;
  core::append_rows(state, rows);
  return rows;
}

// The sequential run's sink: numbers the solves of a run that starts at slice
// `offset` (resuming), gives fixed-step solves their step as h (as parareal
// does), and clocks the time spent in the inner sink (output, not fine time).
class SequentialSink final : public core::TrajectorySink {
 public:
  SequentialSink(core::TrajectorySink& inner, int offset, bool fixed_steps)
      : inner_(inner), offset_(offset), fixed_(fixed_steps) {}
  void begin(const core::SolveDescription& solve) override {
    core::SolveDescription d = solve;
    d.slice += offset_;
    if (fixed_) d.h = (d.t1 - d.t0) / static_cast<double>(d.n);
    timed([&] { inner_.begin(d); });
  }
  void write(std::int64_t first, std::int64_t count, const double* times,
             const double* rows) override {
    timed([&] { inner_.write(first, count, times, rows); });
  }
  RowSpan next_rows(std::int64_t max_count) override {
    RowSpan span;
    timed([&] { span = inner_.next_rows(max_count); });
    return span;
  }
  void filled(std::int64_t count) override {
    timed([&] { inner_.filled(count); });
  }
  void commit() override {
    timed([&] { inner_.commit(); });
  }
  void abandon() noexcept override {
    const double t = MPI_Wtime();
    inner_.abandon();
    seconds_ += MPI_Wtime() - t;
  }
  // Seconds spent in the inner sink.
  double seconds() const { return seconds_; }

 private:
  template <class F>
  void timed(F&& f) {
    const double t = MPI_Wtime();
    try {
      f();
    } catch (...) {
      seconds_ += MPI_Wtime() - t;
      throw;
    }
    seconds_ += MPI_Wtime() - t;
  }
  core::TrajectorySink& inner_;
  int offset_;
  bool fixed_;
  double seconds_ = 0;
};

// The per-slice files' sink, shared by the ranks of `comm` (member blocks).
inline std::shared_ptr<io::Hdf5TrajectorySink> make_sink(const RunConfig& cfg, MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  io::SinkOptions options;
  options.compression = cfg.compression;
  options.comm = size > 1 ? comm : MPI_COMM_SELF;
  // A file's close and rename overlap the solves that follow; finish_output()
  // waits for the last one (Hdf5TrajectorySink::flush()).
  options.deferred_commit = true;
  return std::make_shared<io::Hdf5TrajectorySink>(cfg.output, options);
}

// Bytes of trajectories each rank may hold (--memory-budget, else a quarter of
// the node's memory shared by its ranks); the smallest over the ranks, so the
// ranks sharing a file decide alike. Collective over world.
inline std::int64_t memory_budget(core::Runtime& rt, const RunConfig& cfg) {
  std::int64_t budget = cfg.memory_budget;
  if (budget < 0) {
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    const std::int64_t node = pages > 0 && page > 0 ? std::int64_t{pages} * page : 0;
    budget = node / 4 / std::max(1, rt.placement().node_ranks);
  }
  MPI_Allreduce(MPI_IN_PLACE, &budget, 1, MPI_INT64_T, MPI_MIN, rt.world());
  return budget;
}

// Rank 0 gets the descriptions of the files every rank's sink wrote (to
// `directory`); the run-wide fields (system, integrator, members, dim,
// ensemble size) from rank 0's own, so nothing when rank 0 wrote none.
// Collective over comm.
inline std::vector<io::SolveFile> gather_written_files(MPI_Comm comm,
                                                       const std::vector<io::SolveFile>& mine,
                                                       const std::string& directory) {
  constexpr size_t fields = 9;
  std::vector<double> values;
  for (const auto& f : mine) {
    values.insert(values.end(),
                  {static_cast<double>(f.slice), static_cast<double>(f.iteration), f.t0, f.t1,
                   static_cast<double>(f.n), static_cast<double>(f.save_every),
                   static_cast<double>(f.steps), f.first_time, f.last_time});
  }
  const auto all = gather_on_root(comm, values);
  std::vector<io::SolveFile> files;
  if (mine.empty()) return files;  // not rank 0, or rank 0 wrote none
  for (size_t i = 0; i + fields <= all.size(); i += fields) {
    io::SolveFile f = mine.front();
    f.slice = static_cast<std::int64_t>(all[i]);
    f.iteration = static_cast<std::int64_t>(all[i + 1]);
    f.t0 = all[i + 2];
    f.t1 = all[i + 3];
    f.n = static_cast<std::int64_t>(all[i + 4]);
    f.save_every = static_cast<std::int64_t>(all[i + 5]);
    f.steps = static_cast<std::int64_t>(all[i + 6]);
    f.first_time = all[i + 7];
    f.last_time = all[i + 8];
    f.path = (fs::path(directory) / io::fine_file_name(static_cast<int>(f.iteration), f.t0, f.t1))
                 .string();
    files.push_back(std::move(f));
  }
  return files;
}

// Rank 0 gets, for every slice, the iteration of its final file.
inline std::vector<int> gather_slice_iterations(MPI_Comm comm, int slices,
                                                const std::vector<int>& owned,
                                                const std::vector<int>& iterations) {
  std::vector<int> mine;  // pairs (slice, iteration)
  for (size_t i = 0; i < owned.size(); ++i) {
    mine.push_back(owned[i]);
    mine.push_back(iterations[i]);
  }
  const auto all = gather_on_root(comm, mine);
  std::vector<int> result(all.empty() ? 0 : static_cast<size_t>(slices), 0);
  for (size_t i = 0; i + 1 < all.size(); i += 2)
    result[static_cast<size_t>(all[i])] = all[i + 1];
  return result;
}

// This rank's rows of run.h5's boundary states after parareal. With one window
// and block placement a time rank's slices are contiguous and it writes their
// end boundaries (time rank 0 also boundary 0); otherwise (several windows, or
// slices dealt round robin) time rank 0 of each member block gathers its
// block's boundaries and writes them all.
inline io::RunRecord parareal_boundaries(const parareal::Decomposition& dec,
                                         const parareal::Result& r, const std::vector<double>& y0) {
  io::RunRecord rec;
  const auto [mb, me] = dec.member_range();
  const size_t row = y0.size();
  rec.member_offset = mb;
  rec.local_members = me - mb;
  const bool first = dec.time_rank() == 0;
  const auto& owned = r.owned_slices;
  const bool contiguous =
      owned.empty() || owned.back() - owned.front() + 1 == static_cast<int>(owned.size());
  if (dec.windows() == 1 && contiguous) {
    rec.first_boundary = first ? 0 : r.owned_slices.front() + 1;
    rec.boundary_count = static_cast<std::int64_t>(r.owned_slices.size()) + (first ? 1 : 0);
    if (first) rec.boundary_states = y0;
    rec.boundary_states.insert(rec.boundary_states.end(), r.end_states.begin(), r.end_states.end());
    return rec;
  }
  const auto slices = gather_on_root(dec.time_comm(), r.owned_slices);
  const auto states = gather_on_root(dec.time_comm(), r.end_states);
  rec.first_boundary = 0;
  rec.boundary_count = first ? dec.slices() + 1 : 0;
  if (first) {
    rec.boundary_states.resize(static_cast<size_t>(dec.slices() + 1) * row);
    std::copy(y0.begin(), y0.end(), rec.boundary_states.begin());
    for (size_t i = 0; i < slices.size(); ++i) {
      std::copy(states.begin() + static_cast<std::ptrdiff_t>(i * row),
                states.begin() + static_cast<std::ptrdiff_t>((i + 1) * row),
                rec.boundary_states.begin() + static_cast<std::ptrdiff_t>((slices[i] + 1) * row));
    }
  }
  return rec;
}

template <class System>
Outcome run_parareal(core::Runtime& rt, const RunConfig& cfg, const std::vector<double>& times) {
  Outcome out;
  out.mode = "parareal";
  const double setup_start = MPI_Wtime();
  parareal::Decomposition dec(rt.world(), cfg.slices, cfg.members, cfg.p_time, cfg.p_members(),
                              cfg.window);
  const auto [mb, me] = dec.member_range();
  const auto ensemble = core::make_ensemble<System, Mem>(cfg.ensemble(), mb, me);
  const bool saving = !cfg.saved_members.empty();  // --save-members none: no per-slice files
  const auto sink = saving ? make_sink(cfg, dec.member_comm()) : nullptr;

  // Each slice's file written once. With --memory-budget BYTES (and by
  // default where holding is the cheaper, hold_by_default()) the solves are
  // held in memory (within the budget) until their slice is final or the run
  // ends. Else (--memory-budget none) the solver hands the sink only the fine
  // solves whose slice is final (input exact: iteration k > n for slice n
  // counted from its window's first) and solves each other slice's final one
  // again after convergence (the same bits): nothing held, nothing superseded.
  std::shared_ptr<io::HoldingSink> held;
  const bool hold = sink && !cfg.keep_iterations && cfg.memory_budget != RunConfig::memory_none &&
                    (cfg.memory_budget >= 0 || hold_by_default(cfg));
  if (hold) {
    std::vector<int> window_first(static_cast<size_t>(cfg.slices), 0);
    for (int w = 0; w < dec.windows(); ++w) {
      for (int n = dec.window_slices(w).first; n < dec.window_slices(w).second; ++n)
        window_first[static_cast<size_t>(n)] = dec.window_slices(w).first;
    }
    io::HoldOptions hold;
    hold.budget_bytes = memory_budget(rt, cfg);
    hold.final = [window_first](int k, int n) {
      return k - 1 >= n - window_first[static_cast<size_t>(n)];
    };
    held = std::make_shared<io::HoldingSink>(*sink, hold);
    out.held_note = "trajectories held in memory up to " +
                    bytes_text(static_cast<double>(hold.budget_bytes)) +
                    " per rank (--memory-budget)";
  }

  parareal::Options opt;
  opt.fine = propagator(cfg.fine);
  opt.coarse = propagator(cfg.coarse);
  opt.tolerance = cfg.tolerance;
  opt.relative = cfg.relative;
  opt.max_iterations = cfg.max_iterations;
  opt.sink = held ? static_cast<core::TrajectorySink*>(held.get()) : sink.get();
  opt.save_every = cfg.save_every;
  opt.saved_members = cfg.saved_members;
  opt.system_name = cfg.system;
  opt.sink_final_only = sink && !cfg.keep_iterations && !hold;
  opt.final_sweep = cfg.final_sweep;
  // Then every file after the window: on cores shared by a rank and its
  // writer, files written during the iterations delay the other ranks.
  opt.output_after_window = opt.sink_final_only;
  if (opt.final_sweep && sink) {
    out.held_note = "with a final fine sweep from the converged boundaries";
  } else if (opt.sink_final_only) {
    out.held_note =
        std::string("nothing held in memory") +
        (cfg.memory_budget < 0 ? ", as solving again costs less here than holding" : "") +
        ": each slice's final fine solve solved again after convergence and written then";
  }
  opt.placement = cfg.placement;
  if (rt.rank() == 0 && !cfg.invocation.quiet) {
    opt.progress = [windows = dec.windows()](const parareal::Progress& p) {
      std::printf("%s\n", progress_line(p, windows).c_str());
      std::fflush(stdout);
    };
  }
  if (cfg.invocation.resume) {
    opt.stored_fine = [&, begin = mb, end = me](int k, int n, double* end_state) {
      return read_stored_end(expected<System>(cfg, times, k, n), begin, end, end_state);
    };
  }
  opt.messages = parareal::measure_messages(dec, (me - mb) * System::dim);
  out.setup = MPI_Wtime() - setup_start;
  const auto r = parareal::solve<System>(Exec(), dec, ensemble, times, opt);

  out.iterations = r.iterations;
  out.converged = r.converged;
  out.diverged = r.diverged;
  out.windows = r.windows;
  for (const auto& w : r.windows)
    out.history.insert(out.history.end(), w.history.begin(), w.history.end());
  out.timings = r.timings;
  out.tau_f = r.tau_f;
  out.tau_g = r.tau_g;
  out.tau_f_ranks = r.tau_f_ranks;
  out.tau_g_ranks = r.tau_g_ranks;
  out.sink_ranks = r.sink_ranks;
  out.sink_final_ranks = r.sink_final_ranks;
  out.other_ranks = r.other_ranks;
  out.model = r.model;
  out.messages = r.messages;
  out.advice = r.advice;
  out.layout = dec.describe() + ", " + parareal::placement_name(r.placement) + " placement";
  out.placement = parareal::placement_name(r.placement);
  for (const auto& [p, seconds] : r.placement_model)
    out.placement_model.emplace_back(parareal::placement_name(p), seconds);
  out.p_time = dec.p_time();
  out.p_members = dec.p_members();
  out.slice_iterations =
      gather_slice_iterations(rt.world(), cfg.slices, r.owned_slices, r.fine_iteration);
  out.record = parareal_boundaries(dec, r, host_rows(ensemble.state));
  if (held) {
    std::vector<std::pair<int, int>> finals;
    for (size_t i = 0; i < r.owned_slices.size(); ++i)
      finals.emplace_back(r.owned_slices[i], r.fine_iteration[i]);
    out.finish_output = [held, finals, sink] {
      held->finish(finals);
      sink->flush();
    };
  } else if (sink) {
    out.finish_output = [sink] { sink->flush(); };
  }
  if (sink) {
    out.writer_seconds = [sink] { return sink->writer_seconds(); };
    out.files_committed = [sink] { return sink->files_committed(); };
    out.written_files = [sink] { return sink->written_files(); };
  }
  return out;
}

template <class System>
Outcome run_sequential(core::Runtime& rt, const RunConfig& cfg, const std::vector<double>& times) {
  Outcome out;
  out.mode = "sequential";
  const double setup_start = MPI_Wtime();
  const int N = cfg.slices, P = rt.size();
  const auto [mb, me] = core::block_range(cfg.members, P, rt.rank());
  auto ensemble = core::make_ensemble<System, Mem>(cfg.ensemble(), mb, me);
  const bool saving = !cfg.saved_members.empty();  // --save-members none: no per-slice files
  const auto sink = saving ? make_sink(cfg, rt.world()) : nullptr;
  const auto fine = propagator(cfg.fine);

  core::SolveDescription save;
  save.system = cfg.system;
  save.integrator = kernels::method_name(fine.method);
  save.dim = System::dim;
  save.h = fine.h;
  save.save_every = cfg.save_every;
  save.saved_members = cfg.saved_members;
  const auto& saved = cfg.saved_members;
  save.member_offset = std::lower_bound(saved.begin(), saved.end(), mb) - saved.begin();
  save.local_members =
      (std::lower_bound(saved.begin(), saved.end(), me) - saved.begin()) - save.member_offset;
  save.ensemble_size = cfg.members;

  // Boundaries 0..N of this rank's members; a resumed run reads the slices
  // every rank has complete files of, and starts after them.
  std::vector<double> boundaries = host_rows(ensemble.state);
  const size_t row = boundaries.size();
  boundaries.resize(static_cast<size_t>(N + 1) * row);
  int first = 0;
  if (cfg.invocation.resume) {
    while (first < N && read_stored_end(expected<System>(cfg, times, 0, first), mb, me,
                                        boundaries.data() + (first + 1) * row))
      ++first;
  }
  MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, rt.world());
  if (first > 0) core::assign_rows(boundaries.data() + first * row, ensemble.state);
  const double start = MPI_Wtime();
  double loop_start = start;  // the slices' loop: its state made (slice_done(-1))
  const bool report = rt.rank() == 0 && !cfg.invocation.quiet;
  const auto slice_done = [&](int n) {
    if (n < 0) {
      loop_start = MPI_Wtime();
      return;
    }
    if (!report) return;
    const int slice = first + n;
    const double elapsed = MPI_Wtime() - loop_start;
    const int done = slice + 1 - first;
    std::printf("slice %2d/%d: done, elapsed %.4f s, remaining %.3f s\n", slice + 1, N, elapsed,
                elapsed / done * (N - slice - 1));
    std::fflush(stdout);
  };
  std::unique_ptr<SequentialSink> numbered;
  if (sink) numbered = std::make_unique<SequentialSink>(*sink, first, fine.steps > 0);
  out.setup = MPI_Wtime() - setup_start;
  if (first < N) {
    const std::vector<double> rest(times.begin() + first, times.end());
    const auto ends = parareal::solve_sequential<System>(Exec(), ensemble, rest, fine,
                                                         numbered.get(), &save, slice_done);
    std::copy(ends.begin(), ends.end(), boundaries.begin() + (first + 1) * row);
  }
  auto& t = out.timings;
  t.total = MPI_Wtime() - start;
  t.output = numbered ? numbered->seconds() : 0.0;
  t.fine = t.total - t.output;
  if (sink) {
    out.finish_output = [sink] { sink->flush(); };
    out.writer_seconds = [sink] { return sink->writer_seconds(); };
    out.files_committed = [sink] { return sink->files_committed(); };
    out.written_files = [sink] { return sink->written_files(); };
  }
  t.fine_solves = N - first;
  t.fine_stored = first;
  double tau = t.fine_solves > 0 ? t.fine / t.fine_solves : 0.0;
  MPI_Allreduce(MPI_IN_PLACE, &tau, 1, MPI_DOUBLE, MPI_MAX, rt.world());
  out.tau_f = tau;
  out.model.sequential = N * tau;
  out.layout = std::to_string(P) + " rank(s), each a block of members, all " + std::to_string(N) +
               " slices in turn";
  out.p_time = 1;
  out.p_members = P;
  out.slice_iterations.assign(rt.rank() == 0 ? N : 0, 0);
  out.record.first_boundary = 0;
  out.record.boundary_count = N + 1;
  out.record.member_offset = mb;
  out.record.local_members = me - mb;
  out.record.boundary_states = std::move(boundaries);
  return out;
}

// Rank 0: removes every file of a slice but its final one.
inline void remove_superseded(const std::string& dir, const std::vector<double>& times,
                              const std::vector<int>& final_iteration) {
  std::map<std::string, int> slice_of;  // "-{t0}-{t1}.h5" -> slice
  for (size_t n = 0; n + 1 < times.size(); ++n) {
    const std::string name = io::fine_file_name(0, times[n], times[n + 1]);
    slice_of[name.substr(name.find('-', 5))] = static_cast<int>(n);
  }
  std::error_code ec;
  std::vector<fs::path> superseded;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("fine-", 0) != 0 || !is_pint_file(name)) continue;
    const auto dash = name.find('-', 5);
    const auto found = slice_of.find(name.substr(dash));
    if (found == slice_of.end()) continue;
    if (std::stoi(name.substr(5, dash - 5)) != final_iteration[found->second]) {
      superseded.push_back(it->path());
    }
  }
  for (const auto& p : superseded)
    fs::remove(p, ec);
}

// Constant parameters and initial components as numbers (omega0, zeta, q0, p0),
// the others as their specification (zeta_spec = "linspace:0.1:0.9").
inline io::Attributes value_attributes(const RunConfig& cfg) {
  io::Attributes a;
  for (const auto* list : {&cfg.params, &cfg.initial}) {
    for (const auto& v : *list) {
      const std::string name = list == &cfg.initial ? v.name + "0" : v.name;
      if (v.value.kind == core::Distribution::Kind::constant) {
        a.push_back({name, v.value.lo});
      } else {
        a.push_back({name + "_spec", v.text});
      }
    }
  }
  return a;
}

inline io::Attributes config_attributes(const RunConfig& cfg, const Outcome& o) {
  io::Attributes a = value_attributes(cfg);
  const nlohmann::json problem = problem_json(cfg);
  for (const auto& [key, value] : problem.items()) {
    if (key == "param" || key == "initial") continue;
    if (value.is_object()) {
      for (const auto& [k, v] : value.items()) {
        const std::string name = key + "_" + k;
        if (v.is_string())
          a.push_back({name, v.get<std::string>()});
        else if (v.is_number_float())
          a.push_back({name, v.get<double>()});
        else
          a.push_back({name, v.get<std::int64_t>()});
      }
    } else if (value.is_string()) {
      a.push_back({key, value.get<std::string>()});
    } else if (value.is_number_float()) {
      a.push_back({key, value.get<double>()});
    } else if (value.is_boolean()) {
      a.push_back({key, value.get<bool>() ? 1 : 0});
    } else {
      a.push_back({key, value.get<std::int64_t>()});
    }
  }
  a.push_back({"mode", o.mode});
  a.push_back({"p_time", o.p_time});
  a.push_back({"p_members", o.p_members});
  return a;
}

template <class System>
int run_system(core::Runtime& rt, const RunConfig& cfg, const std::string& command_line) {
  const auto times = cfg.times();
  const bool root = rt.rank() == 0;
  if (root && !cfg.invocation.quiet) {
    std::printf(
        "pint run: %s, %lld member(s), %d slices of [%g, %g], fine %s, coarse %s, on %d "
        "rank(s)%s%s\n",
        cfg.system.c_str(), static_cast<long long>(cfg.members), cfg.slices, cfg.t0, cfg.t1,
        cfg.fine.method.c_str(), cfg.coarse.method.c_str(), rt.size(),
        cfg.sequential ? ", sequential" : "", cfg.invocation.resume ? ", resuming" : "");
    std::printf("%s\n", output_size_line(cfg).c_str());
    std::fflush(stdout);
  }
  Outcome out = cfg.sequential ? run_sequential<System>(rt, cfg, times)
                               : run_parareal<System>(rt, cfg, times);

  const double output_start = MPI_Wtime();
  const bool saving = !cfg.saved_members.empty();  // --save-members none: run.h5 alone
  if (out.finish_output) {
    out.finish_output();      // the trajectories held in memory, to their files
    MPI_Barrier(rt.world());  // every slice's file is complete before it is stitched
  }
  if (out.writer_seconds) out.writer = out.writer_seconds();
  if (out.files_committed) out.files_written = out.files_committed();
  // What each rank's sink wrote, on rank 0, so that stitching need not open
  // every file again (a file read back when resuming is still opened).
  std::vector<io::SolveFile> known;
  if (saving)
    known = gather_written_files(
        rt.world(), out.written_files ? out.written_files() : std::vector<io::SolveFile>{},
        cfg.output);
  if (root && saving) {
    io::StitchOptions stitch;
    stitch.attributes = value_attributes(cfg);
    stitch.attributes.push_back(
        {"holds", cfg.sequential ? std::string("the sequential fine run")
                  : cfg.final_sweep
                      ? std::string("per slice n the final sweep's fine solve F(U_n^K) from "
                                    "run.h5's converged boundary state U_n^K (K: the last "
                                    "iteration; a slice exact before has the same solve from "
                                    "an earlier iteration's file): each slice starts at its "
                                    "boundary in run.h5 bit for bit; its end differs from the "
                                    "next boundary U_{n+1}^K by up to the tolerance")
                      : std::string("per slice n the fine solve F(U_n^{k-1}) of its final "
                                    "file (k: that file's `iteration`), the trajectory from "
                                    "the boundary states of the iteration before the last; "
                                    "run.h5's boundary_states are the corrected U^K, which "
                                    "differ from the rows at the slice ends by up to the "
                                    "tolerance")});
    stitch.known = std::move(known);
    io::write_stitched(cfg.output, io::final_slice_files(cfg.output, times, out.slice_iterations),
                       stitch);
    if (!cfg.keep_iterations) remove_superseded(cfg.output, times, out.slice_iterations);
  }
  if constexpr (std::is_same_v<System, core::Galaxy>) {
    if (saving) {
      MPI_Barrier(rt.world());  // trajectory.h5 is complete
      write_galaxy_file(cfg, rt.world());
      if (root && !cfg.invocation.quiet) {
        std::printf(
            "galaxy.h5: %lld stars in the seed's layout (pos_pt, vel_pt, pos_nuc, vel_nuc); "
            "animate it with scripts/galaxy_animation.py\n",
            static_cast<long long>(cfg.members));
      }
    }
  }
  out.output = MPI_Wtime() - output_start;
  io::RunRecord& rec = out.record;
  rec.slices = cfg.slices;
  rec.members = cfg.members;
  rec.dim = System::dim;
  rec.boundary_times = times;
  rec.convergence = out.history;
  const auto names = timing_names();
  const auto values = timing_values(out);
  rec.phases.assign(names.begin(), names.begin() + phase_count);
  rec.timings.assign(values.begin(), values.begin() + phase_count);
  rec.config = config_attributes(cfg, out);
  io::write_run_file((fs::path(cfg.output) / "run.h5").string(), rec, rt.world());

  // run.json: every rank's timings and placement, written by rank 0.
  const auto mine = timing_values(out);
  const auto all = gather_on_root(rt.world(), mine);
  const nlohmann::json info = info_json(rt);
  out.oversubscribed = core::oversubscribed(rt.placements());
  if (root) {
    std::vector<std::vector<double>> timings;
    double measured = 0;
    for (int q = 0; q < rt.size(); ++q) {
      timings.emplace_back(all.begin() + static_cast<std::ptrdiff_t>(q * mine.size()),
                           all.begin() + static_cast<std::ptrdiff_t>((q + 1) * mine.size()));
      measured = std::max(measured, timings.back()[5]);
      out.read_back += static_cast<int>(timings.back()[11]);
    }
    const Plots plots = make_plots(cfg);
    write_file_atomically((fs::path(cfg.output) / "run.json").string(),
                          run_json(cfg, out, info, timings, plots, command_line).dump(2) + "\n");
    if (!cfg.invocation.quiet) print_summary(cfg, out, plots, measured);
    if (out.diverged) {
      std::fprintf(stderr,
                   "pint: the iteration diverged (a NaN or infinity); the files in %s hold it "
                   "for inspection. Try a stabler --coarse method or smaller steps\n",
                   cfg.output.c_str());
    }
  }
  return out.diverged ? 1 : 0;
}

}  // namespace Impl

}  // namespace pint::apps
