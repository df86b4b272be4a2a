// The parareal performance model (SPEC section 3). tau_f, tau_g: fine and coarse
// cost of one slice; K: iterations after the initial coarse sweep; N slices over
// P time ranks, s = ceil(N / P) slices per rank (s = 1 gives the SPEC's forms).
//
// Beside the closed forms, `schedule` replays what the solver does, rank by
// rank and iteration by iteration, with the same costs: the initial coarse
// sweep crossing every link; in iteration k each rank's fine solves of its
// slices whose input changed (slices n >= k - 1: the first k - 1 are exact and
// not solved again), then its sweep once (a) its fine solves are done, (b)
// U^k has arrived from the previous rank (its sweep's end plus one boundary
// message) and (c) decision k - 1 is known (every rank's sweep k - 1 plus one
// all-reduce). Its answer is the end of the last sweep plus the last decision.
// It is what the solver's measured time is compared with.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace pint::parareal {

struct ModelPrediction {
  double sequential = 0;   // N tau_f
  double synchronous = 0;  // N tau_g + K (s tau_f + N tau_g)
  double pipelined = 0;    // N tau_g + K s (tau_f + tau_g)
  double schedule = 0;     // the solver's schedule replayed (see above), messages included
  double messages = 0;     // of `schedule`: seconds of boundary messages and decisions on
                           // its critical path (the schedule with free messages is shorter
                           // by at most this)
  double setup = 0;        // measured, not predicted: making the states and handing back
                           // the end states (the slowest rank's)
  double output = 0;       // measured, not predicted: seconds in the trajectory sink during
                           // the fine solves (the slowest rank's), none of tau_F
  double predicted = 0;    // schedule + setup + output: what a run is compared with
  double speedup_pipelined = 0;
  double speedup_bound = 0;  // N / K
};

// What one boundary message and one decision (all-reduce) cost, in seconds.
struct MessageCosts {
  double boundary = 0;
  double decision = 0;
};

inline ModelPrediction predict(int slices, int time_ranks, int iterations, double tau_f,
                               double tau_g) {
  const double N = slices, K = std::max(1, iterations);
  const double s = (slices + time_ranks - 1) / time_ranks;
  ModelPrediction m;
  m.sequential = N * tau_f;
  m.synchronous = N * tau_g + K * (s * tau_f + N * tau_g);
  m.pipelined = N * tau_g + K * s * (tau_f + tau_g);
  m.speedup_pipelined = m.pipelined > 0 ? m.sequential / m.pipelined : 0;
  m.speedup_bound = N / K;
  return m;
}

// The solver's schedule (see the top of this file) for time ranks owning the
// slices owned[p] (global slice numbers, increasing; slice n's input comes from
// the owner of slice n - 1). Returns the time of K iterations.
inline double schedule(int slices, const std::vector<std::vector<int>>& owned, int iterations,
                       double tau_f, double tau_g, const MessageCosts& cost) {
  const auto P = owned.size();
  std::vector<int> owner(static_cast<size_t>(slices), 0);
  for (size_t p = 0; p < P; ++p)
    for (int n : owned[p])
      owner[static_cast<size_t>(n)] = static_cast<int>(p);
  // Sweep k: slices in order; slice n starts when its rank is free and its
  // input is there (from its own previous slice, or a message).
  std::vector<double> free_at(P, 0.0), end(static_cast<size_t>(slices), 0.0);
  auto sweep = [&](const std::vector<double>& ready) {
    std::vector<double> t = ready;
    for (int n = 0; n < slices; ++n) {
      const auto p = static_cast<size_t>(owner[static_cast<size_t>(n)]);
      double input = 0;
      if (n > 0) {
        const double prev = end[static_cast<size_t>(n) - 1];
        input =
            owner[static_cast<size_t>(n) - 1] == static_cast<int>(p) ? prev : prev + cost.boundary;
      }
      t[p] = std::max(t[p], input) + tau_g;
      end[static_cast<size_t>(n)] = t[p];
    }
    return t;
  };
  free_at = sweep(free_at);
  double decided = *std::max_element(free_at.begin(), free_at.end()) + cost.decision;
  for (int k = 1; k <= iterations; ++k) {
    std::vector<double> ready(P);
    for (size_t p = 0; p < P; ++p) {
      const auto solves =
          std::count_if(owned[p].begin(), owned[p].end(), [k](int n) { return n >= k - 1; });
      ready[p] = free_at[p] + static_cast<double>(solves) * tau_f;
      if (k >= 2) ready[p] = std::max(ready[p], decided);
    }
    free_at = sweep(ready);
    decided = *std::max_element(free_at.begin(), free_at.end()) + cost.decision;
  }
  return decided;
}

// Contiguous blocks of slices [first, last) over P time ranks, as the solver
// places them (core::block_range: the first N mod P ranks get one more).
inline std::vector<std::vector<int>> block_placement(int first, int last, int ranks) {
  std::vector<std::vector<int>> owned(static_cast<size_t>(ranks));
  const int n = last - first, base = n / ranks, extra = n % ranks;
  int next = first;
  for (int p = 0; p < ranks; ++p) {
    const int count = base + (p < extra ? 1 : 0);
    for (int j = 0; j < count; ++j)
      owned[static_cast<size_t>(p)].push_back(next++);
  }
  return owned;
}

// What the model predicts for the alternatives on the same P = P_time x
// P_members ranks, from one run's costs: the member-parallel sequential run
// (every rank the fine propagator over its share of the M members) and parareal
// at every P_time that divides P (P_members = P / P_time <= M). Costs per slice
// scale with the members a rank holds, ceil(M / P_members) (the kernels are
// linear in members), boundary messages likewise; K is a property of the
// mathematics and stays. Parareal pays when the members cannot keep every rank
// busy: with M >= P the member-parallel run does less work per rank.
struct Advice {
  double sequential = 0;                          // member-parallel --sequential
  std::vector<std::pair<int, double>> by_p_time;  // (P_time, seconds), increasing P_time
  int best_p_time = 1;                            // the fastest parareal
  double best = 0;
  bool parareal_pays = false;  // the best parareal beats the member-parallel run
};

// `windows`: (slices, iterations) of each window of the run; `members`: M.
inline Advice advise(const std::vector<std::pair<int, int>>& windows, std::int64_t members,
                     int p_time, int p_members, double tau_f, double tau_g,
                     const MessageCosts& cost) {
  Advice a;
  const int P = p_time * p_members;
  const auto share = [members](std::int64_t blocks) {
    return static_cast<double>((members + blocks - 1) / blocks);
  };
  const double now = share(p_members);
  int slices = 0, smallest = 0;
  for (const auto& w : windows) {
    slices += w.first;
    smallest = smallest == 0 ? w.first : std::min(smallest, w.first);
  }
  a.sequential = slices * tau_f * share(std::min<std::int64_t>(P, members)) / now;
  for (int pt = 1; pt <= P; ++pt) {
    if (P % pt != 0 || pt > smallest || P / pt > members) continue;
    const double scale = share(P / pt) / now;
    const MessageCosts c{cost.boundary * scale, cost.decision};
    double t = 0;
    for (const auto& w : windows)
      t += schedule(w.first, block_placement(0, w.first, pt), w.second, tau_f * scale,
                    tau_g * scale, c);
    a.by_p_time.emplace_back(pt, t);
    if (a.best == 0 || t < a.best) {
      a.best = t;
      a.best_p_time = pt;
    }
  }
  a.parareal_pays = a.best < a.sequential;
  return a;
}

}  // namespace pint::parareal
