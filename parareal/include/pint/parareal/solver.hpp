// Parareal over MPI, pipelined (SPEC section 3).
//
//   U_0^k = y0,  U_{n+1}^0 = G(U_n^0),
//   U_{n+1}^k = F(U_n^{k-1}) + (G(U_n^k) - G(U_n^{k-1}))   in exactly this order,
//
// with G(U_n^{k-1}) kept from the previous iteration. A slice whose input did
// not change (bit for bit) is not solved again: its fine result is reused, and
// the correction then reproduces it exactly, so after k iterations the first k
// slices equal the sequential fine solution bit for bit.
//
// Each time rank owns a block of slices, or runs of slices dealt round robin
// (Options::placement). Per iteration k it (1) runs the fine solves
// F(U_n^{k-1}) of its slices whose input changed, (2) sweeps its slices in
// order with the coarse propagator fused with the correction (one pass per
// slice), waiting for U_n^k from the owner of slice n - 1 where that is another
// rank and sending U_{n+1}^k on to the owner of slice n + 1, and (3) starts a
// non-blocking all-reduce of its largest change. It does not wait for iteration k's decision before
// starting iteration k+1's fine solves: decisions are collected one iteration
// late, and a fine solve started speculatively is cancelled as soon as the
// decision says "converged". Every rank takes the same decisions in the same
// order, so all ranks stop at the same iteration with the same history.
//
// The parts have names: SliceStore (the states of the owned slices),
// BoundaryLink (the messages to the neighbouring time ranks), DecisionQueue
// (the convergence decisions), Impl::FineSolves (the fine solves with their
// output, letting messages progress between their spans) and Impl::sweep.
#pragma once

#include "pint/core/compat.hpp"
#include "pint/core/ensemble.hpp"
#include "pint/core/time_grid.hpp"
#include "pint/core/trajectory_sink.hpp"
#include "pint/kernels/methods.hpp"
#include "pint/kernels/propagate.hpp"
#include "pint/kernels/sweep.hpp"
#include "pint/parareal/boundary_link.hpp"
#include "pint/parareal/decisions.hpp"
#include "pint/parareal/decomposition.hpp"
#include "pint/parareal/model.hpp"
#include "pint/parareal/paced_sink.hpp"
#include "pint/parareal/slice_store.hpp"

#include <mpi.h>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace pint::parareal {

// A propagator: a method and either a fixed number of steps per slice or a step
// size h (then ceil((t1 - t0) / h) steps, as the seed).
struct Propagator {
  kernels::Method method = kernels::Method::euler;
  double h = 0.0;
  std::int64_t steps = 0;
  std::int64_t steps_for(double t0, double t1) const {
    return steps > 0 ? steps : core::steps_for(t0, t1, h);
  }
};

struct Progress {
  int window = 0;
  int iteration = 0;      // k
  double max_change = 0;  // max |U^k - U^{k-1}|
  int slices_final = 0;   // slices of the window known exact
  int window_slices = 0;
  double elapsed = 0;    // seconds since solve() started
  double remaining = 0;  // estimate (upper bound: every remaining iteration run)
};

struct Options {
  Propagator fine{kernels::Method::euler, 0.01, 0};
  Propagator coarse{kernels::Method::euler, 0.0, 1};
  double tolerance = 1e-4;
  bool relative = false;   // compare max change / max |U| with the tolerance
  int max_iterations = 0;  // 0: as many as the window has slices
  // Output of the fine solves (optional). saved_members: global indices, sorted.
  core::TrajectorySink* sink = nullptr;
  std::int64_t save_every = 1;
  std::vector<std::int64_t> saved_members;
  std::string system_name;
  // Which fine solves the sink gets while the iterations run. false: every
  // one (the sink decides what to keep). true: only the final ones, whose
  // input is exact (iteration k > n - first for slice n of a window starting
  // at `first`); after each window the rank solves again, into the sink, each
  // other slice's final fine solve F(U_n^{k-1}) from its input (kept: two
  // states per slice), which gives the same bits. The sink then gets each
  // slice's final solve once and no other.
  bool sink_final_only = false;
  // With sink_final_only (and no final sweep): the sink gets no solve while
  // the iterations run, not even the final ones; after each window every
  // slice's final fine solve is solved again from its kept input into the sink
  // (one more fine solve per slice, the same bits). A rank's files are then
  // written when it has no solve left to delay: where a rank's writer shares
  // its core, files written during the iterations hold up the ranks waiting
  // for its boundaries.
  bool output_after_window = false;
  // A final fine sweep after each window: F(U_n^K) from the boundaries of its
  // last iteration K, into the sink as iteration K + 1 (SolveDescription::
  // final_sweep), so each slice's trajectory starts at U_n^K bit for bit. A
  // slice whose final solve's input was exact already has it (and the sink
  // got it): not solved again.
  bool final_sweep = false;
  // Called on every rank after each decided iteration (rank 0 prints it).
  std::function<void(const Progress&)> progress;
  // Resuming: asked before each fine solve F(U_n^{k-1}) whether its result is
  // already stored (iteration k, slice n). If it fills `end_state` (this rank's
  // members x dim, row-major) and returns true, the solve is skipped. Results
  // read back bit for bit make the run end exactly as an uninterrupted one. With
  // shared files (member blocks and a sink) a slice is skipped only if every
  // rank of its member communicator has it.
  std::function<bool(int iteration, int slice, double* end_state)> stored_fine;
  // How boundary states reach MPI (direct from device memory when MPI can read it).
  Transfer transfer = Transfer::automatic;
  // Spans of each fine solve between which pending messages are progressed
  // (and a speculative solve can be cancelled): at most progress_spans, of at
  // least min_span_steps steps each (a span reloads the members' state).
  int progress_spans = 16;
  std::int64_t min_span_steps = 32;
  // What a boundary message and a decision cost (measure_messages()), for the
  // model; zero: messages are free in the model.
  MessageCosts messages;
  // How slices are dealt to time ranks. Automatic: the model's choice
  // (choose_placement) for costs probed before the run, one coarse solve and
  // one span of fine steps, with every window run to its iteration limit.
  Placement placement;
};

struct Timings {
  double coarse = 0, fine = 0, communication = 0, waiting = 0, total = 0;
  // Seconds in the sink during the fine solves (copies, waits for its writer,
  // files created and committed): part of total, not of fine.
  double output = 0;
  // Of `output`: the seconds of the completed fine solves whose input was exact
  // (in iteration k, the window's slice k - 1), which the sink writes to their
  // files at once, and their count. The other solves' output may still be
  // superseded (held in memory, or not made at all): it costs far less.
  double output_final = 0;
  int final_solves = 0;
  // Making the states (allocation, first touch) and handing the end states back:
  // part of total, none of the algorithm's phases.
  double setup = 0;
  // The rest of total, outside every phase above: the bookkeeping between
  // solves, and the time this rank's core gave to other threads then (the
  // file writer's, other processes' where cores are shared).
  double other = 0;
  int fine_solves = 0, coarse_solves = 0, fine_cancelled = 0, fine_stored = 0;
  // Fine solves after the windows for their output (Options::sink_final_only,
  // Options::final_sweep), booked as output (kernel and sink), and those of
  // them read back when resuming.
  int output_solves = 0, output_stored = 0;
  // Of `output`: the seconds of those solves after the windows (the rest of
  // `output` is spent during the fine solves, on the schedule's path).
  double output_after = 0;
};

struct WindowResult {
  int iterations = 0;
  bool converged = false;       // by the tolerance (false: stopped at k = N or the maximum)
  bool diverged = false;        // a NaN or infinity appeared: stopped, the result is unusable
  std::vector<double> history;  // max change of iterations 1..iterations
  ModelPrediction model;
};

struct Result {
  std::vector<WindowResult> windows;
  int iterations = 0;  // summed over windows
  bool converged = true;
  bool diverged = false;  // some window produced NaN or infinity (see WindowResult)
  // This rank's final boundary states: for owned slice owned_slices[i], the state
  // at its end, rows i * local_members * dim ... (members x dim, row-major).
  std::vector<int> owned_slices;
  std::vector<double> end_states;
  std::vector<int> fine_iteration;  // iteration whose fine solve holds the final trajectory
  std::int64_t local_members = 0;
  int dim = 0;
  Timings timings;
  Placement placement;  // the one used (automatic resolved)
  // Automatic placement: each candidate's modelled time for the probed costs.
  std::vector<std::pair<Placement, double>> placement_model;
  double tau_f = 0, tau_g = 0;  // slowest rank's mean fine and coarse time per slice
  // Each time rank's own means (its slowest member block's; a rank that solved
  // none gets the slowest rank's): what the schedule replays.
  std::vector<double> tau_f_ranks, tau_g_ranks;
  // Each time rank's mean seconds in the trajectory sink per fine solve whose
  // input may still change (sink_ranks) and per fine solve whose input is
  // exact (sink_final_ranks; a rank that had none: its sink_ranks): the
  // schedule charges a fine solve tau_f_ranks plus the one that applies.
  std::vector<double> sink_ranks, sink_final_ranks;
  // Each time rank's Timings::other per slice of its sweeps (coarse solves):
  // the schedule charges it beside tau_g_ranks.
  std::vector<double> other_ranks;
  MessageCosts messages;  // what the model took a boundary message and a decision to cost
  ModelPrediction model;  // summed over windows
  Advice advice;          // the model's alternatives on the same ranks
};

namespace Impl {

// Timings::other (the rest of the total), the totals over the windows, the
// slowest rank's mean costs and the model.
inline void finish(Result& result, const Decomposition& dec, double fine_time,
                   const MessageCosts& messages, const Placement& requested) {
  Timings& tm = result.timings;
  tm.other = std::max(
      0.0, tm.total - (tm.setup + tm.coarse + tm.fine + tm.output + tm.waiting + tm.communication));
  // One all-reduce (MAX) of each time rank's means per solve (the fine kernel,
  // the sink during a fine solve whose input may change and during one whose
  // input is exact, the coarse solve; its slowest member block's) and of the
  // set-up and the solves after the windows (the slowest rank's).
  constexpr size_t per_rank = 5;
  const auto P = static_cast<size_t>(dec.p_time());
  std::vector<double> costs(per_rank * P + 2, -1.0);  // -1: none (every rank fills its own)
  const int others = tm.fine_solves - tm.final_solves;
  double* mine = costs.data() + per_rank * static_cast<size_t>(dec.time_rank());
  mine[0] = tm.fine_solves > 0 ? fine_time / tm.fine_solves : 0.0;
  mine[1] = others > 0 ? (tm.output - tm.output_after - tm.output_final) / others : 0.0;
  mine[2] = tm.final_solves > 0 ? tm.output_final / tm.final_solves : -1.0;
  mine[3] = tm.coarse_solves ? tm.coarse / tm.coarse_solves : 0.0;
  mine[4] = tm.coarse_solves ? tm.other / tm.coarse_solves : 0.0;
  costs[per_rank * P] = tm.setup;
  costs[per_rank * P + 1] = tm.output_after;
  MPI_Allreduce(MPI_IN_PLACE, costs.data(), static_cast<int>(costs.size()), MPI_DOUBLE, MPI_MAX,
                dec.world());
  result.model.setup = costs[per_rank * P];
  result.model.output_after = costs[per_rank * P + 1];
  result.tau_f = result.tau_g = 0;
  for (size_t p = 0; p < P; ++p) {
    result.tau_f = std::max(result.tau_f, costs[per_rank * p]);
    result.tau_g = std::max(result.tau_g, costs[per_rank * p + 3]);
  }
  // A rank that solved none is given the slowest rank's means.
  result.tau_f_ranks.assign(P, result.tau_f);
  result.sink_ranks.assign(P, 0.0);
  result.sink_final_ranks.assign(P, 0.0);
  result.other_ranks.assign(P, 0.0);
  result.tau_g_ranks.assign(P, result.tau_g);
  RankCosts with_sink, kernel_only;  // a fine solve with and without its output
  for (size_t p = 0; p < P; ++p) {
    const double* c = costs.data() + per_rank * p;
    if (c[0] > 0) result.tau_f_ranks[p] = c[0];
    result.sink_ranks[p] = c[1];
    result.sink_final_ranks[p] = c[2] >= 0 ? c[2] : c[1];
    if (c[3] > 0) result.tau_g_ranks[p] = c[3];
    result.other_ranks[p] = std::max(0.0, c[4]);
    with_sink.fine.push_back(result.tau_f_ranks[p] + result.sink_ranks[p]);
    with_sink.fine_final.push_back(result.tau_f_ranks[p] + result.sink_final_ranks[p]);
    with_sink.coarse.push_back(result.tau_g_ranks[p] + result.other_ranks[p]);
  }
  // The same without the output (what ModelPrediction::output is measured
  // against) and without the time between phases (ModelPrediction::other).
  kernel_only.fine = result.tau_f_ranks;
  kernel_only.coarse = with_sink.coarse;
  RankCosts phases_only = with_sink;
  phases_only.coarse = result.tau_g_ranks;
  result.messages = messages;
  for (size_t w = 0; w < result.windows.size(); ++w) {
    auto& wr = result.windows[w];
    result.iterations += wr.iterations;
    result.converged = result.converged && wr.converged;
    result.diverged = result.diverged || wr.diverged;
    const auto slices = dec.window_slices(static_cast<int>(w));
    const int Nw = slices.second - slices.first;
    wr.model = predict(Nw, dec.p_time(), wr.iterations, result.tau_f, result.tau_g);
    const auto owned = place(0, Nw, dec.p_time(), result.placement);
    wr.model.boundary_messages = (wr.iterations + 1) * boundary_messages(Nw, owned);
    wr.model.schedule = schedule(Nw, owned, wr.iterations, with_sink, result.messages);
    wr.model.messages = wr.model.schedule - schedule(Nw, owned, wr.iterations, with_sink, {});
    wr.model.output =
        wr.model.schedule - schedule(Nw, owned, wr.iterations, kernel_only, result.messages);
    wr.model.other =
        wr.model.schedule - schedule(Nw, owned, wr.iterations, phases_only, result.messages);
    result.model.sequential += wr.model.sequential;
    result.model.synchronous += wr.model.synchronous;
    result.model.pipelined += wr.model.pipelined;
    result.model.schedule += wr.model.schedule;
    result.model.messages += wr.model.messages;
    result.model.output += wr.model.output;
    result.model.other += wr.model.other;
    result.model.boundary_messages += wr.model.boundary_messages;
  }
  result.model.predicted = result.model.schedule + result.model.setup + result.model.output_after;
  result.model.speedup_pipelined =
      result.model.pipelined > 0 ? result.model.sequential / result.model.pipelined : 0;
  result.model.speedup_bound =
      result.iterations > 0 ? static_cast<double>(dec.slices()) / result.iterations : 0;
  // The alternatives on the same ranks, each window with its own iterations.
  std::vector<std::pair<int, int>> windows;
  for (size_t w = 0; w < result.windows.size(); ++w) {
    const auto slices = dec.window_slices(static_cast<int>(w));
    windows.emplace_back(slices.second - slices.first, result.windows[w].iterations);
  }
  result.advice = advise(windows, dec.members(), dec.p_time(), dec.p_members(), result.tau_f,
                         result.tau_g, result.messages, requested);
}

// The messages of one window for this time rank: its slices, where each one's
// input comes from and its output goes to (-1: this rank, or none).
struct WindowPlan {
  std::vector<int> slices, from, to;
  int first = 0, last_owner = 0;  // the window's first slice; who owns its last
};

inline std::vector<WindowPlan> plan(const Decomposition& dec, const Placement& placement) {
  std::vector<WindowPlan> plans;
  const int me = dec.time_rank();
  for (int w = 0; w < dec.windows(); ++w) {
    const auto bounds = dec.window_slices(w);
    const int first = bounds.first, last = bounds.second;  // captured below: no structured binding
    const auto owned = dec.placement(w, placement);
    std::vector<int> owner(static_cast<size_t>(last - first));
    for (size_t p = 0; p < owned.size(); ++p)
      for (int n : owned[p])
        owner[static_cast<size_t>(n - first)] = static_cast<int>(p);
    const auto at = [&](int n) { return owner[static_cast<size_t>(n - first)]; };
    WindowPlan wp;
    wp.first = first;
    wp.last_owner = at(last - 1);
    wp.slices = owned[static_cast<size_t>(me)];
    for (int n : wp.slices) {
      wp.from.push_back(n > first && at(n - 1) != me ? at(n - 1) : -1);
      wp.to.push_back(n + 1 < last && at(n + 1) != me ? at(n + 1) : -1);
    }
    plans.push_back(std::move(wp));
  }
  return plans;
}

// What a rank's plans need room for: the most slices of a window (states in
// the slice store), the slices of all windows (end states), and the most
// receiving and sending slices of a window (the boundary link's buffers).
struct PlanSizes {
  int capacity = 1, owned = 0, receives = 0, sends = 0;
  explicit PlanSizes(const std::vector<WindowPlan>& plans) {
    const auto count = [](const std::vector<int>& v) {
      return static_cast<int>(std::count_if(v.begin(), v.end(), [](int p) { return p >= 0; }));
    };
    for (const auto& wp : plans) {
      capacity = std::max(capacity, static_cast<int>(wp.slices.size()));
      owned += static_cast<int>(wp.slices.size());
      receives = std::max(receives, count(wp.from));
      sends = std::max(sends, count(wp.to));
    }
  }
};

// The fine solves of one time rank: F(U_n^{k-1}) for each owned slice whose
// input changed, with their saved rows handed to the options' sink, results
// read back through `stored_fine` when resuming, and a hook called between the
// spans of every solve (it lets messages progress and may cancel the solve).
template <class System, class Mapping, class ExecSpace, class MemorySpace>
class FineSolves {
 public:
  using View = Kokkos::View<double**, Kokkos::LayoutLeft, MemorySpace>;

  FineSolves(const ExecSpace& exec, const Decomposition& dec,
             const core::EnsembleBlock<MemorySpace>& ensemble, const std::vector<double>& times,
             const Options& opt, Timings& tm)
      : exec_(exec),
        dec_(dec),
        ensemble_(ensemble),
        times_(times),
        opt_(opt),
        tm_(tm),
        shared_files_(opt.sink != nullptr && dec.p_members() > 1) {
    if (opt.sink) {
      paced_ = std::make_unique<PacedSink>(*opt.sink, opt.progress_spans, opt.min_span_steps);
      // Rows of this rank's saved members, as indices into the local state:
      // the same for every fine solve, built once.
      const auto lo =
          std::lower_bound(opt.saved_members.begin(), opt.saved_members.end(), ensemble.begin);
      const auto hi = std::lower_bound(opt.saved_members.begin(), opt.saved_members.end(),
                                       ensemble.begin + ensemble.size());
      auto& d = save_.solve;
      d.system = opt.system_name;
      d.integrator = kernels::method_name(opt.fine.method);
      d.dim = System::dim;
      d.save_every = opt.save_every;
      d.saved_members = opt.saved_members;
      d.member_offset = lo - opt.saved_members.begin();
      d.local_members = hi - lo;
      d.ensemble_size = dec.members();
      save_.sink = paced_.get();
      save_.rows = kernels::saved_rows<MemorySpace>(d, ensemble.begin);
    }
    if (opt.stored_fine) stored_state_.resize(static_cast<size_t>(ensemble.size()) * System::dim);
  }

  bool after_window() const {
    return opt_.sink_final_only && opt_.output_after_window && !opt_.final_sweep;
  }

  // Room for the inputs kept for the output pass (Options::sink_final_only
  // without a final sweep): two states per slice of the largest window, made
  // (and touched) here, before the timed solves.
  void reserve(int capacity) {
    if (!opt_.sink || !opt_.sink_final_only || opt_.final_sweep) return;
    kept_.resize(static_cast<size_t>(capacity));
    for (auto& slot : kept_) {
      for (auto& k : slot)
        k = {-1, View("pint::parareal::kept_input", static_cast<size_t>(ensemble_.size()),
                      System::dim)};
    }
  }

  // Iteration k's fine solves of the slices in `store` whose input changed
  // (the window starts at slice `first`). Returns false when `between`
  // cancelled one.
  bool run(int k, int first, SliceStore<MemorySpace>& store, const std::function<bool()>& between) {
    if (shared_files_) {  // the ranks sharing the slices' files solve the same slices
      auto& changed = store.changed_flags();
      MPI_Allreduce(MPI_IN_PLACE, changed.data(), store.slices(), MPI_CHAR, MPI_LOR,
                    dec_.member_comm());
    }
    for (int i = 0; i < store.slices(); ++i) {
      if (!store.changed(i)) continue;
      const int n = store.slice(i);
      const bool streams =
          opt_.sink && (!opt_.sink_final_only || (!after_window() && k - 1 >= n - first));
      double kept_time = 0;
      if (!streams && !kept_.empty()) {  // its output is made after the window, from this input
        const double t = MPI_Wtime();
        auto& slot = kept_[static_cast<size_t>(i)];
        auto& older = slot[0].first <= slot[1].first ? slot[0] : slot[1];
        older.first = k;
        Kokkos::deep_copy(exec_, older.second, store.input(i));
        exec_.fence();
        kept_time = MPI_Wtime() - t;
        tm_.output += kept_time;
      }
      if (opt_.stored_fine && stored(k, n, store.fine(i))) {
        ++tm_.fine_stored;
        store.set_fine(i, k);
        continue;
      }
      const double t = MPI_Wtime(), out = paced_ ? paced_->output_seconds() : 0.0;
      Kokkos::deep_copy(exec_, store.fine(i), store.input(i));
      const bool done = solve(k, n, store.fine(i), between, streams);
      const double output = paced_ ? paced_->output_seconds() - out : 0.0;
      const double dt = MPI_Wtime() - t - output;  // the kernel's time: tau_F
      tm_.fine += dt;
      tm_.output += output;
      if (!done) {
        ++tm_.fine_cancelled;
        return false;
      }
      completed_time_ += dt;
      ++tm_.fine_solves;
      if (k - 1 >= n - first) {  // its input is exact: its output goes to its file now
        tm_.output_final += output;
        ++tm_.final_solves;
      }
      store.set_fine(i, k);
    }
    return true;
  }

  // Seconds of the fine solves that completed.
  double completed_time() const { return completed_time_; }

  // After a window whose last iteration is K (its first slice `first`): the
  // output of each owned slice that the sink has not got yet, solved again
  // into it. final_iteration[i]: the iteration of slice i's final fine solve;
  // a final sweep's solve, F(U_n^K), becomes iteration K + 1 there. A slice
  // whose final solve had an exact input was streamed as it ran (unless
  // Options::output_after_window): with a final sweep too, since U_n^K is that
  // input. Collective over the ranks sharing
  // files, like every solve into the sink.
  void output_pass(int K, int first, const SliceStore<MemorySpace>& store, int* final_iteration) {
    if (!opt_.sink || K < 1 || !(opt_.sink_final_only || opt_.final_sweep)) return;
    ScopedRegion region("pint::parareal::output_pass");
    const std::function<bool()> never = [] { return false; };
    for (int i = 0; i < store.slices(); ++i) {
      const int n = store.slice(i), j = final_iteration[i];
      if (j < 1 || (!after_window() && j - 1 >= n - first)) continue;  // streamed when solved
      int k = j;
      View from = store.input(i);  // U_n^K
      if (opt_.final_sweep) {
        k = K + 1;
      } else {
        const auto& slot = kept_[static_cast<size_t>(i)];
        const int s = slot[0].first == j ? 0 : slot[1].first == j ? 1 : -1;
        if (s < 0) {
          throw std::logic_error("pint::parareal: the input of slice " + std::to_string(n) +
                                 "'s fine solve of iteration " + std::to_string(j) +
                                 " was not kept; please report this bug");
        }
        from = slot[static_cast<size_t>(s)].second;
      }
      const double t = MPI_Wtime();
      if (opt_.stored_fine && stored(k, n, store.fine(i))) {
        ++tm_.output_stored;  // resuming: its file is complete
      } else {
        Kokkos::deep_copy(exec_, store.fine(i), from);
        sweeping_ = opt_.final_sweep;
        solve(k, n, store.fine(i), never, true);
        sweeping_ = false;
        ++tm_.output_solves;
      }
      tm_.output += MPI_Wtime() - t;
      tm_.output_after += MPI_Wtime() - t;
      final_iteration[i] = k;
    }
    // The next window numbers its iterations from 1 again: no input kept here
    // may be taken for one of its solves.
    for (auto& slot : kept_) {
      for (auto& kept : slot)
        kept.first = -1;
    }
  }

  // What a fine solve of slice n without output costs, estimated as the solver
  // runs it: the copy of `input` into `state`, then one of its spans (of the
  // same length, launched and fenced alike) times the number of spans.
  double probe(int n, const View& input, const View& state) {
    const double t0 = times_[static_cast<size_t>(n)], t1 = times_[static_cast<size_t>(n) + 1];
    const std::int64_t steps = opt_.fine.steps_for(t0, t1);
    const std::int64_t spans =
        std::clamp<std::int64_t>(steps / opt_.min_span_steps, 1, opt_.progress_spans);
    const std::int64_t span = (steps + spans - 1) / spans;
    kernels::check_method<System>(opt_.fine.method);
    exec_.fence();
    double t = MPI_Wtime();
    Kokkos::deep_copy(exec_, state, input);
    exec_.fence();
    const double copy = MPI_Wtime() - t;
    t = MPI_Wtime();
    kernels::with_method(opt_.fine.method, [&](auto method) {
      kernels::advance<System, decltype(method), Mapping>(exec_, ensemble_.params, state, t0,
                                                          (t1 - t0) / static_cast<double>(steps), 0,
                                                          std::min(span, steps));
      return true;
    });
    exec_.fence();
    return copy + static_cast<double>(spans) * (MPI_Wtime() - t);
  }

 private:
  // Resuming: slice n's result of iteration k read back into `into`, if stored
  // (with shared files, only if every rank sharing them has it).
  bool stored(int k, int n, const View& into) {
    int have = opt_.stored_fine(k, n, stored_state_.data()) ? 1 : 0;
    if (shared_files_) {
      MPI_Allreduce(MPI_IN_PLACE, &have, 1, MPI_INT, MPI_LAND, dec_.member_comm());
    }
    if (!have) return false;
    exec_.fence();
    core::assign_rows(stored_state_.data(), into);
    return true;
  }

  // F(state) of slice n in iteration k, into the sink when `streams`.
  bool solve(int k, int n, const View& state, const std::function<bool()>& between, bool streams) {
    const double t0 = times_[static_cast<size_t>(n)], t1 = times_[static_cast<size_t>(n) + 1];
    const std::int64_t steps = opt_.fine.steps_for(t0, t1);
    if (!streams) {
      // In spans, `between` before each: kernels::advance from step `first`
      // gives the bits of one propagation over all steps.
      ScopedRegion region("pint::parareal::fine_solve");
      const std::int64_t spans =
          std::clamp<std::int64_t>(steps / opt_.min_span_steps, 1, opt_.progress_spans);
      const std::int64_t span = (steps + spans - 1) / spans;
      const double dt = (t1 - t0) / static_cast<double>(steps);
      kernels::check_method<System>(opt_.fine.method);
      return kernels::with_method(opt_.fine.method, [&](auto method) {
        for (std::int64_t first = 0; first < steps; first += span) {
          if (between()) return false;
          kernels::advance<System, decltype(method), Mapping>(
              exec_, ensemble_.params, state, t0, dt, first, std::min(span, steps - first));
          exec_.fence();
        }
        return true;
      });
    }
    auto& d = save_.solve;
    d.iteration = k;
    d.slice = n;
    d.t0 = t0;
    d.t1 = t1;
    d.h = opt_.fine.h > 0 ? opt_.fine.h : (t1 - t0) / static_cast<double>(steps);
    d.n = steps;
    d.final_sweep = sweeping_;
    return kernels::propagate<System, Mapping>(exec_, opt_.fine.method, ensemble_.params, state, t0,
                                               t1, steps, &save_, &between);
  }

  ExecSpace exec_;
  const Decomposition& dec_;
  const core::EnsembleBlock<MemorySpace>& ensemble_;
  const std::vector<double>& times_;
  const Options& opt_;
  Timings& tm_;
  bool shared_files_;
  std::unique_ptr<PacedSink> paced_;
  kernels::SaveRequest<MemorySpace> save_;
  std::vector<double> stored_state_;
  double completed_time_ = 0;
  // Per slice, the inputs of its two latest fine solves not streamed: (iteration, state).
  std::vector<std::array<std::pair<int, View>, 2>> kept_;
  bool sweeping_ = false;  // solving a final sweep's slice
};

struct Sweep {
  double max_change = 0, max_abs = 0;
};

// Sweep k: U_{n+1}^k = F(U_n^{k-1}) + (G(U_n^k) - G(U_n^{k-1})) for the slices
// of `store` in order, one fused pass each (k = 0: U_{n+1}^0 = G(U_n^0)). A
// slice whose input another rank owns first waits for it; an output another
// rank needs is sent on at once. Marks each input changed or not.
template <class System, class Mapping, class ExecSpace, class MemorySpace>
Sweep sweep(const ExecSpace& exec, SliceStore<MemorySpace>& store, BoundaryLink<MemorySpace>& link,
            const core::EnsembleBlock<MemorySpace>& ensemble, const std::vector<double>& times,
            const Propagator& coarse, int k, Timings& tm) {
  const bool initial = k == 0;
  Sweep r;
  for (int i = 0; i < store.slices(); ++i) {
    if (link.receives(i)) {
      const auto received = link.receive(exec, i);
      store.set_input(i, received.first);
      if (!initial) store.set_changed(i, received.second);
    }
    link.wait_sent(i);  // its output, about to change, may still be being sent
    const auto n = static_cast<size_t>(store.slice(i));
    const double t = MPI_Wtime();
    const auto c = kernels::coarse_correct<System, Mapping>(
        exec, coarse.method, ensemble.params, store.input(i), store.out(i), store.fine(i),
        store.g_old(i), store.g_new(), times[n], times[n + 1],
        coarse.steps_for(times[n], times[n + 1]), initial);
    store.accept_coarse(i);
    tm.coarse += MPI_Wtime() - t;
    ++tm.coarse_solves;
    link.send(exec, k, i, store.out(i), initial || c.max_change > 0.0);
    if (initial) continue;
    if (i + 1 < store.slices() && store.chained(i + 1))
      store.set_changed(i + 1, c.max_change > 0.0);
    r.max_change = std::max(r.max_change, c.max_change);
    r.max_abs = std::max(r.max_abs, c.max_abs);
  }
  return r;
}

// The placement to use: opt.placement, or when automatic the model's choice
// for costs probed on slice 0 (one coarse solve; one span of the fine solve,
// times its spans), the slowest rank's, so every rank chooses the same, with
// each window run to its iteration limit (K is not known yet).
template <class System, class Mapping, class ExecSpace, class MemorySpace>
Placement resolve_placement(const ExecSpace& exec, const Decomposition& dec,
                            FineSolves<System, Mapping, ExecSpace, MemorySpace>& fine,
                            const core::EnsembleBlock<MemorySpace>& ensemble,
                            const std::vector<double>& times, const Options& opt,
                            const Kokkos::View<double**, Kokkos::LayoutLeft, MemorySpace>& y0,
                            Result& result) {
  if (opt.placement.kind != Placement::Kind::automatic) return opt.placement;
  using View = Kokkos::View<double**, Kokkos::LayoutLeft, MemorySpace>;
  View a("pint::parareal::probe_a", y0.extent(0), y0.extent(1));
  View b("pint::parareal::probe_b", y0.extent(0), y0.extent(1));
  double costs[2] = {0, 0};
  for (int round = 0; round < 2; ++round) {  // the first warms up
    const double t = MPI_Wtime();
    kernels::coarse_correct<System, Mapping>(exec, opt.coarse.method, ensemble.params, y0, a, a, a,
                                             b, times[0], times[1],
                                             opt.coarse.steps_for(times[0], times[1]), true);
    costs[1] = MPI_Wtime() - t;
  }
  costs[0] = fine.probe(0, y0, a);
  MPI_Allreduce(MPI_IN_PLACE, costs, 2, MPI_DOUBLE, MPI_MAX, dec.world());
  std::vector<std::pair<int, int>> windows;
  for (int w = 0; w < dec.windows(); ++w) {
    const int Nw = dec.window_slices(w).second - dec.window_slices(w).first;
    windows.emplace_back(Nw, opt.max_iterations > 0 ? std::min(opt.max_iterations, Nw) : Nw);
  }
  return choose_placement(windows, dec.p_time(), costs[0], costs[1], opt.messages,
                          &result.placement_model);
}

// The result of a window whose decisions are complete: its history, and this
// rank's end states and final fine iterations appended to `result`.
template <class MemorySpace>
WindowResult window_result(Result& result, const SliceStore<MemorySpace>& store,
                           const DecisionQueue& decisions,
                           std::map<int, std::vector<int>>& fine_iteration_at) {
  const int final_k = decisions.stopped() ? decisions.stop_at() : decisions.started();
  if (final_k != decisions.started()) {
    throw std::logic_error("pint::parareal::solve: stopped at iteration " +
                           std::to_string(final_k) + " after sweep " +
                           std::to_string(decisions.started()) + "; please report this bug");
  }
  WindowResult wr;
  wr.iterations = final_k;
  wr.converged = decisions.stopped() && !decisions.diverged();
  wr.diverged = decisions.diverged();
  for (int j = 1; j <= final_k; ++j)
    wr.history.push_back(decisions.change(j));
  for (int i = 0; i < store.slices(); ++i) {
    result.owned_slices.push_back(store.slice(i));
    core::append_rows(store.out(i), result.end_states);
    result.fine_iteration.push_back(final_k > 0 ? fine_iteration_at[final_k][static_cast<size_t>(i)]
                                                : -1);
  }
  return wr;
}

}  // namespace Impl

// What a boundary message of `count` doubles (members x dim of one rank) and a
// decision cost on this machine: a ping-pong of such a message between time
// ranks 0 and 1, and a few all-reduces. Collective over dec.world(); meant to
// run once before a solve (it allocates a message-sized buffer) and be passed
// in Options::messages, so the model counts the messages the solver sends.
inline MessageCosts measure_messages(const Decomposition& dec, std::int64_t count) {
  MessageCosts cost;
  const int me = dec.time_rank();
  if (dec.p_time() > 1 && me < 2) {
    std::vector<double> buffer(static_cast<size_t>(count), 1.0);
    const int other = 1 - me;
    for (int round = 0; round < 2; ++round) {  // the first warms the path up
      const double t = MPI_Wtime();
      for (int leg = 0; leg < 2; ++leg) {
        if (leg == me) {
          MPI_Send(buffer.data(), static_cast<int>(count), MPI_DOUBLE, other, 7, dec.time_comm());
        } else {
          MPI_Recv(buffer.data(), static_cast<int>(count), MPI_DOUBLE, other, 7, dec.time_comm(),
                   MPI_STATUS_IGNORE);
        }
      }
      if (me == 0) cost.boundary = (MPI_Wtime() - t) / 2;  // rank 0 times the round trip
    }
  }
  double values[2] = {0, 0};
  MPI_Allreduce(MPI_IN_PLACE, values, 2, MPI_DOUBLE, MPI_MAX, dec.world());
  const double t = MPI_Wtime();
  for (int i = 0; i < 8; ++i)
    MPI_Allreduce(MPI_IN_PLACE, values, 2, MPI_DOUBLE, MPI_MAX, dec.world());
  cost.decision = (MPI_Wtime() - t) / 8;
  double both[2] = {cost.boundary, cost.decision};
  MPI_Allreduce(MPI_IN_PLACE, both, 2, MPI_DOUBLE, MPI_MAX, dec.world());
  int size = 1;
  MPI_Comm_size(dec.world(), &size);
  return {both[0], size > 1 ? both[1] : 0.0};
}

// Runs parareal for members [ensemble.begin, ensemble.begin + size) of an
// ensemble over the time points `times` (N + 1 boundaries). Collective over
// dec.world(). `ensemble.state` is left unchanged. `Mapping`: members per work
// item of the propagations (pint/kernels/lanes.hpp), the backend's own by default.
template <class System, class Mapping = kernels::NaturalMapping, class ExecSpace, class MemorySpace>
Result solve(const ExecSpace& exec, const Decomposition& dec,
             const core::EnsembleBlock<MemorySpace>& ensemble, const std::vector<double>& times,
             const Options& opt) {
  ScopedRegion region("pint::parareal::solve");
  using View = Kokkos::View<double**, Kokkos::LayoutLeft, MemorySpace>;
  const int N = dec.slices();
  if (static_cast<int>(times.size()) != N + 1) {
    throw std::invalid_argument("pint::parareal::solve: expected " + std::to_string(N + 1) +
                                " time points for " + std::to_string(N) + " slices");
  }
  if (!(opt.tolerance >= 0.0)) throw std::invalid_argument("tolerance must be >= 0");
  const std::int64_t M = ensemble.size();
  const int me = dec.time_rank();
  const bool shared_files = opt.sink != nullptr && dec.p_members() > 1;
  const double start = MPI_Wtime();
  Result result;
  result.local_members = M;
  result.dim = System::dim;
  Timings& tm = result.timings;

  Impl::FineSolves<System, Mapping, ExecSpace, MemorySpace> fine(exec, dec, ensemble, times, opt,
                                                                 tm);
  View y0(Kokkos::view_alloc(Kokkos::WithoutInitializing, "pint::parareal::y0"),
          static_cast<size_t>(M), System::dim);
  Kokkos::deep_copy(exec, y0, ensemble.state);
  exec.fence();
  result.placement =
      Impl::resolve_placement<System, Mapping>(exec, dec, fine, ensemble, times, opt, y0, result);
  const auto plans = Impl::plan(dec, result.placement);
  const Impl::PlanSizes sizes(plans);
  result.end_states.reserve(static_cast<size_t>(sizes.owned) * static_cast<size_t>(M) *
                            System::dim);
  SliceStore<MemorySpace> store(sizes.capacity, M, System::dim);
  fine.reserve(sizes.capacity);
  BoundaryLink<MemorySpace> link(dec.time_comm(), sizes.receives, sizes.sends, M, System::dim, N,
                                 opt.transfer);
  tm.setup = MPI_Wtime() - start;

  for (int w = 0; w < dec.windows(); ++w) {
    const Impl::WindowPlan& wp = plans[static_cast<size_t>(w)];
    const int Nw = dec.window_slices(w).second - dec.window_slices(w).first;
    const int kmax = opt.max_iterations > 0 ? std::min(opt.max_iterations, Nw) : Nw;
    store.start(wp.slices);
    link.route(wp.slices, wp.from, wp.to);
    DecisionQueue decisions(dec.world(), opt.tolerance, opt.relative);
    decisions.on_decided = [&](int k, double change) {
      if (!opt.progress) return;
      Progress p{w, k, change, std::min(k, Nw), Nw, MPI_Wtime() - start, 0.0};
      p.remaining = p.elapsed / k * (decisions.stop_at() == k ? 0 : kmax - k);
      opt.progress(p);
    };
    // Between spans of a fine solve: messages progress; the solve is cancelled
    // once a decision says "converged" (never with shared files: the ranks
    // writing one file together must finish it together).
    const std::function<bool()> between = [&] {
      link.progress();
      return decisions.test() && !shared_files;
    };
    std::map<int, std::vector<int>> fine_iteration_at;  // fine results that fed sweep k

    // Iteration 0: U_0^0 = y0, U_{n+1}^0 = G(U_n^0).
    if (store.slice(0) == wp.first) store.set_input(0, y0);
    link.post_receives(0);
    Impl::sweep<System, Mapping>(exec, store, link, ensemble, times, opt.coarse, 0, tm);

    // Invariant: a rank does sweep k only once decision k-1 is known to be "go
    // on". So every rank does the same sweeps (every send has its receive, every
    // decision is joined by all), and the first converged decision is the last
    // sweep anywhere. Fine solves of iteration k start before decision k-1 is
    // known and are cancelled if it says "converged". The owner of the last
    // slice contributes last to decision k: waiting for it there costs nothing
    // and saves a speculative fine solve.
    const bool wait_now = shared_files || me == wp.last_owner;
    for (int k = 1; k <= kmax; ++k) {
      if (k >= 2 && (wait_now ? decisions.wait(k - 1) : decisions.test())) break;
      // (1) F(U_n^{k-1}) of the slices whose input changed.
      if (!fine.run(k, wp.first, store, between)) break;  // cancelled: decision k-1 said converged
      if (k >= 2 && decisions.wait(k - 1)) break;         // the invariant
      fine_iteration_at[k] = store.fine_iterations();
      // (2) U_{n+1}^k = F(U_n^{k-1}) + (G(U_n^k) - G(U_n^{k-1})), slice by slice,
      // with U^k received from and sent to the ranks owning the neighbours.
      const auto c =
          Impl::sweep<System, Mapping>(exec, store, link, ensemble, times, opt.coarse, k, tm);
      // (3) The decision of iteration k, without waiting for it.
      decisions.start(k, c.max_change, c.max_abs);
    }
    // Complete the outstanding decisions (all ranks started the same ones).
    decisions.wait(decisions.started());
    link.cancel_receives();  // U of the sweep after the last: never sent
    link.wait_sent();
    tm.waiting += decisions.waiting();
    const double t = MPI_Wtime();
    result.windows.push_back(Impl::window_result(result, store, decisions, fine_iteration_at));
    tm.setup += MPI_Wtime() - t;
    // The output of the slices the sink has not got yet (booked as output).
    fine.output_pass(result.windows.back().iterations, wp.first, store,
                     result.fine_iteration.data() + result.fine_iteration.size() -
                         static_cast<size_t>(store.slices()));
    const double t_next = MPI_Wtime();

    // The next window starts from this window's end state (on its last slice's owner).
    if (w + 1 < dec.windows()) {
      auto host = Kokkos::create_mirror_view(Kokkos::HostSpace(), y0);
      if (me == wp.last_owner) Kokkos::deep_copy(host, store.out(store.slices() - 1));
      MPI_Bcast(host.data(), static_cast<int>(M * System::dim), MPI_DOUBLE, wp.last_owner,
                dec.time_comm());
      Kokkos::deep_copy(y0, host);
    }
    tm.setup += MPI_Wtime() - t_next;
  }
  // Every rank has withdrawn its last receives before any rank sends again
  // (a later solve on this communicator reuses the tags).
  const double t_barrier = MPI_Wtime();
  MPI_Barrier(dec.time_comm());
  tm.waiting += link.waiting() + (MPI_Wtime() - t_barrier);
  tm.communication += link.copying();
  tm.total = MPI_Wtime() - start;
  Impl::finish(result, dec, fine.completed_time(), opt.messages, opt.placement);
  return result;
}

// The fine propagator alone, slice after slice: the sequential reference.
// Returns the state at every boundary T_1..T_N (N x members x dim, row-major).
// Runs on one rank's members; no communication. `slice_done`, when given, is
// called after each slice n (0-based, in `times`) is complete, and with n = -1
// once the state is made and touched, before the first slice (so per-slice
// times measured from it hold the slices' work alone).
template <class System, class Mapping = kernels::NaturalMapping, class ExecSpace, class MemorySpace>
std::vector<double> solve_sequential(const ExecSpace& exec,
                                     const core::EnsembleBlock<MemorySpace>& ensemble,
                                     const std::vector<double>& times, const Propagator& fine,
                                     core::TrajectorySink* sink = nullptr,
                                     const core::SolveDescription* save_template = nullptr,
                                     const std::function<void(int)>& slice_done = {}) {
  ScopedRegion region("pint::parareal::solve_sequential");
  using View = Kokkos::View<double**, Kokkos::LayoutLeft, MemorySpace>;
  View y("pint::parareal::sequential_state", static_cast<size_t>(ensemble.size()), System::dim);
  Kokkos::deep_copy(exec, y, ensemble.state);
  std::vector<double> out;
  if (!times.empty())
    out.reserve((times.size() - 1) * static_cast<size_t>(ensemble.size()) * System::dim);
  exec.fence();
  if (slice_done) slice_done(-1);
  for (size_t n = 0; n + 1 < times.size(); ++n) {
    const std::int64_t steps = fine.steps_for(times[n], times[n + 1]);
    if (sink && save_template) {
      kernels::SaveRequest<MemorySpace> save;
      save.sink = sink;
      save.solve = *save_template;
      save.solve.slice = static_cast<int>(n);
      save.solve.t0 = times[n];
      save.solve.t1 = times[n + 1];
      save.solve.n = steps;
      save.rows = kernels::saved_rows<MemorySpace>(save.solve, ensemble.begin);
      kernels::propagate<System, Mapping>(exec, fine.method, ensemble.params, y, times[n],
                                          times[n + 1], steps, &save);
    } else {
      kernels::propagate<System, Mapping>(exec, fine.method, ensemble.params, y, times[n],
                                          times[n + 1], steps);
    }
    core::append_rows(y, out);
    if (slice_done) slice_done(static_cast<int>(n));
  }
  return out;
}

}  // namespace pint::parareal
