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
// Each time rank owns a contiguous block of slices. Per iteration k it (1) runs
// the fine solves F(U_n^{k-1}) of its slices whose input changed, (2) waits for
// U^k at its first boundary from the previous time rank, (3) sweeps its slices
// with the coarse propagator and the fused correction, sends U^k at its last
// boundary on, and (4) starts a non-blocking all-reduce of its largest change.
// It does not wait for iteration k's decision before starting iteration k+1's
// fine solves: decisions are collected one iteration late, and a fine solve
// started speculatively is cancelled as soon as the decision says "converged".
// Every rank takes the same decisions in the same order, so all ranks stop at
// the same iteration with the same history.
#pragma once

#include "pint/core/compat.hpp"
#include "pint/core/ensemble.hpp"
#include "pint/core/time_grid.hpp"
#include "pint/core/trajectory_sink.hpp"
#include "pint/kernels/correction.hpp"
#include "pint/kernels/methods.hpp"
#include "pint/kernels/propagate.hpp"
#include "pint/parareal/decomposition.hpp"
#include "pint/parareal/model.hpp"

#include <mpi.h>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
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
  // Called on every rank after each decided iteration (rank 0 prints it).
  std::function<void(const Progress&)> progress;
  // Resuming: asked before each fine solve F(U_n^{k-1}) whether its result is
  // already stored (iteration k, slice n). If it fills `end_state` (this rank's
  // members x dim, row-major) and returns true, the solve is skipped. Results
  // read back bit for bit make the run end exactly as an uninterrupted one. With
  // shared files (member blocks and a sink) a slice is skipped only if every
  // rank of its member communicator has it.
  std::function<bool(int iteration, int slice, double* end_state)> stored_fine;
};

struct Timings {
  double coarse = 0, fine = 0, communication = 0, waiting = 0, total = 0;
  int fine_solves = 0, coarse_solves = 0, fine_cancelled = 0, fine_stored = 0;
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
  double tau_f = 0, tau_g = 0;  // slowest rank's mean fine and coarse time per slice
  ModelPrediction model;        // summed over windows
};

namespace Impl {

// Exchange buffer: a boundary state plus the largest change it saw.
struct Boundary {
  std::vector<double> data;
  MPI_Request request = MPI_REQUEST_NULL;
};

}  // namespace Impl

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
  constexpr int D = System::dim;
  const int N = dec.slices();
  if (static_cast<int>(times.size()) != N + 1) {
    throw std::invalid_argument("pint::parareal::solve: expected " + std::to_string(N + 1) +
                                " time points for " + std::to_string(N) + " slices");
  }
  if (!(opt.tolerance >= 0.0)) throw std::invalid_argument("tolerance must be >= 0");
  const std::int64_t M = ensemble.size();
  const size_t row = static_cast<size_t>(M) * D;
  const int P = dec.p_time(), me = dec.time_rank();
  const bool collective_sink = opt.sink != nullptr && dec.p_members() > 1;
  const auto clock = [] { return MPI_Wtime(); };
  const double start = clock();

  Result result;
  result.local_members = M;
  result.dim = D;
  Timings& tm = result.timings;
  double fine_time = 0, coarse_time = 0;

  auto copy = [&](const View& to, const View& from) { Kokkos::deep_copy(exec, to, from); };
  auto make = [&](const char* name) {
    return View(
        Kokkos::view_alloc(Kokkos::WithoutInitializing, std::string("pint::parareal::") + name),
        static_cast<size_t>(M), D);
  };

  // Rows of this rank's saved members, as indices into the local state.
  std::int64_t save_offset = 0, save_count = 0;
  Kokkos::View<const std::int64_t*, MemorySpace> save_rows;
  if (opt.sink) {
    const auto lo =
        std::lower_bound(opt.saved_members.begin(), opt.saved_members.end(), ensemble.begin);
    const auto hi =
        std::lower_bound(opt.saved_members.begin(), opt.saved_members.end(), ensemble.begin + M);
    save_offset = lo - opt.saved_members.begin();
    save_count = hi - lo;
    // The same for every fine solve: built once.
    core::SolveDescription rows_of;
    rows_of.saved_members = opt.saved_members;
    rows_of.member_offset = save_offset;
    rows_of.local_members = save_count;
    save_rows = kernels::saved_rows<MemorySpace>(rows_of, ensemble.begin);
  }

  View y0 = make("y0");
  copy(y0, ensemble.state);

  for (int w = 0; w < dec.windows(); ++w) {
    const auto [wfirst, wlast] = dec.window_slices(w);
    const auto [a, b] = dec.owned_slices(w);
    const int s = b - a, Nw = wlast - wfirst;
    const int kmax = opt.max_iterations > 0 ? std::min(opt.max_iterations, Nw) : Nw;

    std::vector<View> out(s), fine(s), g_old(s);
    for (int i = 0; i < s; ++i) {
      out[i] = make("out");
      fine[i] = make("fine");
      g_old[i] = make("g_old");
    }
    View in0 = make("in0"), work = make("work");
    std::vector<int> fine_iter(s, -1);
    std::map<int, std::vector<int>> fine_iter_at;  // fine results that fed sweep k
    std::vector<char> changed(s, 1);               // input changed since the last fine solve
    auto host_in = Kokkos::create_mirror_view(in0);
    std::vector<double> stored_state(opt.stored_fine ? row : 0);
    Impl::Boundary recv, send;
    recv.data.resize(row + 1);
    send.data.resize(row + 1);
    const int tag_base = 0;

    auto post_recv = [&](int k) {
      if (me == 0) return;
      MPI_Irecv(recv.data.data(), static_cast<int>(row + 1), MPI_DOUBLE, me - 1,
                tag_base + k % 30000, dec.time_comm(), &recv.request);
    };
    // Sends U^k at the last boundary on. The receive on the other side is always
    // posted before this (right after the previous one completed), and the send is
    // completed here, before the next fine solve: a large message goes by
    // rendezvous, and a pending send would not progress while this rank computes,
    // delaying the next rank by a whole fine solve.
    auto send_last = [&](int k, double change) {
      if (me == P - 1) return;
      const double t = clock();
      auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), out[s - 1]);
      std::copy(host.data(), host.data() + row, send.data.begin());
      send.data[row] = change;
      MPI_Request request;
      MPI_Isend(send.data.data(), static_cast<int>(row + 1), MPI_DOUBLE, me + 1,
                tag_base + k % 30000, dec.time_comm(), &request);
      MPI_Wait(&request, MPI_STATUS_IGNORE);
      tm.communication += clock() - t;
    };
    auto input = [&](int i) -> const View& { return i == 0 ? in0 : out[i - 1]; };
    auto run_coarse = [&](int i, const View& dst) {
      const double t = clock();
      copy(dst, input(i));
      const int n = a + i;
      kernels::propagate<System, Mapping>(exec, opt.coarse.method, ensemble.params, dst, times[n],
                                          times[n + 1],
                                          opt.coarse.steps_for(times[n], times[n + 1]));
      const double dt = clock() - t;
      tm.coarse += dt;
      coarse_time += dt;
      ++tm.coarse_solves;
    };

    // Decisions: iteration -> (max change, max |U|), completed in order.
    std::map<int, std::array<double, 2>> local, global;
    std::map<int, MPI_Request> pending;
    int decided = 0;  // decisions known for iterations 1..decided
    int stop_at = -1;
    bool diverged = false;
    auto start_decision = [&](int k, double change, double magnitude) {
      local[k] = {change, magnitude};
      global[k] = {0, 0};
      MPI_Iallreduce(local[k].data(), global[k].data(), 2, MPI_DOUBLE, MPI_MAX, dec.world(),
                     &pending[k]);
    };
    auto converged = [&](int k) {
      const double change = global[k][0];
      const double scale = opt.relative ? global[k][1] : 1.0;
      return opt.relative ? (scale > 0 ? change / scale < opt.tolerance : change == 0.0)
                          : change < opt.tolerance;
    };
    auto record = [&](int k) {
      decided = k;
      if (!std::isfinite(global[k][0]) && stop_at < 0) {
        diverged = true;  // the same on every rank: the value is the global maximum
        stop_at = k;
      }
      if (converged(k) && stop_at < 0) stop_at = k;
      if (opt.progress) {
        Progress p;
        p.window = w;
        p.iteration = k;
        p.max_change = global[k][0];
        p.slices_final = std::min(k, Nw);
        p.window_slices = Nw;
        p.elapsed = clock() - start;
        p.remaining = k > 0 ? p.elapsed / k * (stop_at == k ? 0 : kmax - k) : 0;
        opt.progress(p);
      }
    };
    // Completes decision k (blocking). Returns true if some decided iteration converged.
    auto wait_decision = [&](int k) {
      while (decided < k) {
        const int next = decided + 1;
        const double t = clock();
        MPI_Wait(&pending[next], MPI_STATUS_IGNORE);
        tm.waiting += clock() - t;
        pending.erase(next);
        record(next);
      }
      return stop_at > 0;
    };
    // Completes decision k if it has arrived, without blocking.
    auto test_decision = [&](int k) {
      while (decided < k) {
        const int next = decided + 1;
        int flag = 0;
        MPI_Test(&pending[next], &flag, MPI_STATUS_IGNORE);
        if (!flag) break;
        pending.erase(next);
        record(next);
      }
      return stop_at > 0;
    };

    // Receives U^k at the first boundary (time rank > 0; on time rank 0 it is y0).
    // Returns whether it differs from U^{k-1} there.
    auto receive = [&](int k) -> char {
      if (me == 0) {
        if (k == 0) copy(in0, y0);
        return k == 0;
      }
      double t = clock();
      MPI_Wait(&recv.request, MPI_STATUS_IGNORE);
      tm.waiting += clock() - t;
      t = clock();
      std::copy(recv.data.begin(), recv.data.begin() + static_cast<std::ptrdiff_t>(row),
                host_in.data());
      Kokkos::deep_copy(exec, in0, host_in);
      exec.fence();
      tm.communication += clock() - t;
      return k == 0 || recv.data[row] > 0.0;
    };

    // Iteration 0: the coarse sweep.
    post_recv(0);
    receive(0);
    for (int i = 0; i < s; ++i) {
      run_coarse(i, g_old[i]);
      copy(out[i], g_old[i]);
    }
    exec.fence();
    post_recv(1);
    send_last(0, 1.0);

    // Invariant: a rank does sweep k only once decision k-1 is known to be "go
    // on". So every rank does the same sweeps (every send has its receive, every
    // decision is joined by all), and the first converged decision j is the
    // last sweep anywhere. Fine solves of iteration k start before decision k-1
    // is known and are cancelled if it says "converged".
    int k = 0, last_started = 0;  // last_started: the last sweep (and decision started)
    while (k < kmax) {
      // The last time rank contributes last to decision k: it completes at once,
      // so waiting costs nothing and saves a speculative fine solve.
      const bool wait_now = collective_sink || me == P - 1;
      if (k >= 1 && (wait_now ? wait_decision(k) : test_decision(k))) break;
      ++k;

      // (1) Fine solves F(U_n^{k-1}) of slices whose input changed.
      if (collective_sink) {
        MPI_Allreduce(MPI_IN_PLACE, changed.data(), s, MPI_CHAR, MPI_LOR, dec.member_comm());
      }
      bool cancelled = false;
      const std::function<bool()> cancel = [&] { return test_decision(k - 1); };
      for (int i = 0; i < s && !cancelled; ++i) {
        if (!changed[i]) continue;
        const int n = a + i;
        if (opt.stored_fine) {
          int stored = opt.stored_fine(k, n, stored_state.data()) ? 1 : 0;
          if (collective_sink) {
            MPI_Allreduce(MPI_IN_PLACE, &stored, 1, MPI_INT, MPI_LAND, dec.member_comm());
          }
          if (stored) {
            exec.fence();
            core::assign_rows(stored_state.data(), fine[i]);
            ++tm.fine_stored;
            fine_iter[i] = k;
            changed[i] = 0;
            continue;
          }
        }
        const double t = clock();
        copy(fine[i], input(i));
        const std::int64_t steps = opt.fine.steps_for(times[n], times[n + 1]);
        bool done;
        if (opt.sink) {
          kernels::SaveRequest<MemorySpace> save;
          save.sink = opt.sink;
          auto& d = save.solve;
          d.system = opt.system_name;
          d.integrator = kernels::method_name(opt.fine.method);
          d.dim = D;
          d.iteration = k;
          d.slice = n;
          d.t0 = times[n];
          d.t1 = times[n + 1];
          d.h = opt.fine.h > 0 ? opt.fine.h : (d.t1 - d.t0) / static_cast<double>(steps);
          d.n = steps;
          d.save_every = opt.save_every;
          d.saved_members = opt.saved_members;
          d.member_offset = save_offset;
          d.local_members = save_count;
          d.ensemble_size = dec.members();
          save.rows = save_rows;
          done = kernels::propagate<System, Mapping>(exec, opt.fine.method, ensemble.params,
                                                     fine[i], times[n], times[n + 1], steps, &save,
                                                     collective_sink ? nullptr : &cancel);
        } else {
          done = kernels::propagate<System, Mapping>(exec, opt.fine.method, ensemble.params,
                                                     fine[i], times[n], times[n + 1], steps,
                                                     nullptr, k >= 2 ? &cancel : nullptr);
        }
        const double dt = clock() - t;
        tm.fine += dt;
        if (!done) {
          ++tm.fine_cancelled;
          cancelled = true;
          break;
        }
        fine_time += dt;
        ++tm.fine_solves;
        fine_iter[i] = k;
        changed[i] = 0;
      }
      if (cancelled) break;                       // decision k-1 said converged
      if (k >= 2 && wait_decision(k - 1)) break;  // the invariant

      // (2) U^k at the first boundary, (3) the coarse sweep with the correction.
      changed[0] = receive(k);
      post_recv(k + 1);
      fine_iter_at[k] = fine_iter;
      double change = 0, magnitude = 0;
      for (int i = 0; i < s; ++i) {
        run_coarse(i, work);
        const double t = clock();
        const auto c = kernels::correct_fused(exec, out[i], fine[i], work, g_old[i]);
        std::swap(work, g_old[i]);
        tm.coarse += clock() - t;
        change = std::max(change, c.max_change);
        magnitude = std::max(magnitude, c.max_abs);
        if (i + 1 < s) changed[i + 1] = c.max_change > 0.0 ? 1 : 0;
        if (i + 1 == s) send_last(k, c.max_change);
      }
      // (4) The decision of iteration k, without waiting for it.
      start_decision(k, change, magnitude);
      last_started = k;
    }
    // Complete the outstanding decisions (all ranks started the same ones).
    wait_decision(last_started);
    const int final_k = stop_at > 0 ? stop_at : last_started;
    if (final_k != last_started) {
      throw std::logic_error("pint::parareal::solve: stopped at iteration " +
                             std::to_string(final_k) + " after sweep " +
                             std::to_string(last_started) + "; please report this bug");
    }
    if (recv.request != MPI_REQUEST_NULL) {
      MPI_Cancel(&recv.request);
      MPI_Wait(&recv.request, MPI_STATUS_IGNORE);
    }

    // The result is iteration final_k, the last sweep.
    WindowResult wr;
    wr.iterations = final_k;
    wr.converged = stop_at > 0 && !diverged;
    wr.diverged = diverged;
    for (int j = 1; j <= final_k; ++j)
      wr.history.push_back(global[j][0]);
    for (int i = 0; i < s; ++i) {
      result.owned_slices.push_back(a + i);
      core::append_rows(out[i], result.end_states);
      result.fine_iteration.push_back(fine_iter_at[final_k][static_cast<size_t>(i)]);
    }

    // The next window starts from this window's end state (on the last time rank).
    if (w + 1 < dec.windows()) {
      auto host = Kokkos::create_mirror_view(Kokkos::HostSpace(), y0);
      if (me == P - 1) Kokkos::deep_copy(host, out[s - 1]);
      MPI_Bcast(host.data(), static_cast<int>(row), MPI_DOUBLE, P - 1, dec.time_comm());
      Kokkos::deep_copy(y0, host);
    }
    result.windows.push_back(std::move(wr));
  }

  // Timings and the model from the slowest rank's mean costs.
  tm.total = clock() - start;
  double costs[2] = {tm.fine_solves ? fine_time / tm.fine_solves : 0.0,
                     tm.coarse_solves ? coarse_time / tm.coarse_solves : 0.0};
  MPI_Allreduce(MPI_IN_PLACE, costs, 2, MPI_DOUBLE, MPI_MAX, dec.world());
  result.tau_f = costs[0];
  result.tau_g = costs[1];
  for (auto& wr : result.windows) {
    result.iterations += wr.iterations;
    result.converged = result.converged && wr.converged;
    result.diverged = result.diverged || wr.diverged;
  }
  for (int w = 0; w < dec.windows(); ++w) {
    const auto [wf, wl] = dec.window_slices(w);
    auto& wr = result.windows[static_cast<size_t>(w)];
    wr.model = predict(wl - wf, P, wr.iterations, result.tau_f, result.tau_g);
    result.model.sequential += wr.model.sequential;
    result.model.synchronous += wr.model.synchronous;
    result.model.pipelined += wr.model.pipelined;
  }
  result.model.speedup_pipelined =
      result.model.pipelined > 0 ? result.model.sequential / result.model.pipelined : 0;
  result.model.speedup_bound =
      result.iterations > 0 ? static_cast<double>(N) / result.iterations : 0;
  return result;
}

// The fine propagator alone, slice after slice: the sequential reference.
// Returns the state at every boundary T_1..T_N (N x members x dim, row-major).
// Runs on one rank's members; no communication.
template <class System, class Mapping = kernels::NaturalMapping, class ExecSpace, class MemorySpace>
std::vector<double> solve_sequential(const ExecSpace& exec,
                                     const core::EnsembleBlock<MemorySpace>& ensemble,
                                     const std::vector<double>& times, const Propagator& fine,
                                     core::TrajectorySink* sink = nullptr,
                                     const core::SolveDescription* save_template = nullptr) {
  ScopedRegion region("pint::parareal::solve_sequential");
  using View = Kokkos::View<double**, Kokkos::LayoutLeft, MemorySpace>;
  View y("pint::parareal::sequential_state", static_cast<size_t>(ensemble.size()), System::dim);
  Kokkos::deep_copy(exec, y, ensemble.state);
  std::vector<double> out;
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
  }
  return out;
}

}  // namespace pint::parareal
