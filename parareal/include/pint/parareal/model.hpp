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
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace pint::parareal {

struct ModelPrediction {
  double sequential = 0;      // N tau_f
  double synchronous = 0;     // N tau_g + K (s tau_f + N tau_g)
  double pipelined = 0;       // N tau_g + K s (tau_f + tau_g)
  double schedule = 0;        // the solver's schedule replayed (see above), messages included
  double messages = 0;        // of `schedule`: seconds of boundary messages and decisions on
                              // its critical path (the schedule with free messages is shorter
                              // by at most this)
  int boundary_messages = 0;  // boundary states sent between time ranks (K + 1 sweeps)
  double setup = 0;           // measured, not predicted: making the states and handing back
                              // the end states (the slowest rank's)
  double output = 0;          // of `schedule`: seconds of the trajectory sink on its critical path
                              // (each fine solve charged its rank's measured mean time in the sink
                              // beside tau_F; the schedule without them is shorter by this)
  double other = 0;           // of `schedule`: seconds between the solvers' phases on its
                              // critical path (each coarse solve charged its rank's measured
                              // Timings::other per coarse solve beside tau_g)
  double output_after = 0;    // measured, not predicted: the slowest rank's fine solves after
                              // the windows for their files (Options::sink_final_only,
                              // Options::final_sweep)
  double predicted = 0;       // schedule + setup + output_after: what a run is compared with
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

// What one solve of a slice costs each time rank p, in seconds: its own
// measured means, since ranks that share a node or a memory bus do not run at
// one speed.
struct RankCosts {
  std::vector<double> fine;        // a fine solve whose input may still change (kernel and
                                   // what its output costs while it may be superseded: held)
  std::vector<double> fine_final;  // the fine solve whose input is exact: in iteration k, that
                                   // of the window's slice k - 1 (kernel and its file); empty:
                                   // as `fine`
  std::vector<double> coarse;      // a coarse solve fused with the correction
};

// The solver's schedule (see the top of this file) for time ranks owning the
// slices owned[p] (global slice numbers, increasing; slice n's input comes from
// the owner of slice n - 1), time rank p solving a slice at the costs
// `costs` gives it. Returns the time of K iterations.
inline double schedule(int slices, const std::vector<std::vector<int>>& owned, int iterations,
                       const RankCosts& costs, const MessageCosts& cost) {
  const auto P = owned.size();
  const auto& tau_f = costs.fine;
  const auto& tau_ff = costs.fine_final.empty() ? costs.fine : costs.fine_final;
  const auto& tau_g = costs.coarse;
  if (tau_f.size() != P || tau_g.size() != P || tau_ff.size() != P)
    throw std::invalid_argument("parareal::schedule: one fine and one coarse cost per time rank");
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
      t[p] = std::max(t[p], input) + tau_g[p];
      end[static_cast<size_t>(n)] = t[p];
    }
    return t;
  };
  free_at = sweep(free_at);
  double decided = *std::max_element(free_at.begin(), free_at.end()) + cost.decision;
  for (int k = 1; k <= iterations; ++k) {
    std::vector<double> ready(P);
    for (size_t p = 0; p < P; ++p) {
      ready[p] = free_at[p];
      for (int n : owned[p]) {  // slices n >= k - 1; the input of slice k - 1 is exact
        if (n > k - 1) ready[p] += tau_f[p];
        if (n == k - 1) ready[p] += tau_ff[p];
      }
      if (k >= 2) ready[p] = std::max(ready[p], decided);
    }
    free_at = sweep(ready);
    decided = *std::max_element(free_at.begin(), free_at.end()) + cost.decision;
  }
  return decided;
}

// The same with every fine solve at one cost per rank.
inline double schedule(int slices, const std::vector<std::vector<int>>& owned, int iterations,
                       const std::vector<double>& tau_f, const std::vector<double>& tau_g,
                       const MessageCosts& cost) {
  return schedule(slices, owned, iterations, RankCosts{tau_f, {}, tau_g}, cost);
}

// The same with one cost for every time rank.
inline double schedule(int slices, const std::vector<std::vector<int>>& owned, int iterations,
                       double tau_f, double tau_g, const MessageCosts& cost) {
  return schedule(slices, owned, iterations, std::vector<double>(owned.size(), tau_f),
                  std::vector<double>(owned.size(), tau_g), cost);
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

// How the slices of a window are dealt to its time ranks: contiguous blocks
// (block), or runs of `cycle` slices dealt round robin from time rank 0
// (cycle 1: cyclic, cycle > 1: block-cyclic), or chosen by the model
// (automatic, resolved by the solver before it starts).
struct Placement {
  enum class Kind { block, cyclic, automatic };
  Kind kind = Kind::block;
  int cycle = 1;
  bool operator==(const Placement& o) const {
    return kind == o.kind && (kind != Kind::cyclic || cycle == o.cycle);
  }
  bool operator!=(const Placement& o) const { return !(*this == o); }
};

// "block", "cyclic", "block-cyclic:B" or "auto" (what `pint run --placement` takes).
inline std::string placement_name(const Placement& p) {
  switch (p.kind) {
    case Placement::Kind::block:
      return "block";
    case Placement::Kind::automatic:
      return "auto";
    case Placement::Kind::cyclic:
      break;
  }
  return p.cycle <= 1 ? std::string("cyclic") : "block-cyclic:" + std::to_string(p.cycle);
}

// The placement named "block", "cyclic", "block-cyclic:B" (B >= 1) or "auto";
// throws std::invalid_argument for any other text.
inline Placement parse_placement(const std::string& text) {
  using Kind = Placement::Kind;
  if (text == "block") return {Kind::block, 1};
  if (text == "cyclic") return {Kind::cyclic, 1};
  if (text == "auto") return {Kind::automatic, 1};
  const std::string prefix = "block-cyclic:";
  if (text.rfind(prefix, 0) == 0) {
    const std::string digits = text.substr(prefix.size());
    if (!digits.empty() && digits.size() < 9 &&
        digits.find_first_not_of("0123456789") == std::string::npos && std::stoi(digits) >= 1) {
      return {Kind::cyclic, std::stoi(digits)};
    }
  }
  throw std::invalid_argument(
      "must be block, cyclic, block-cyclic:B (B >= 1 slices per deal) or auto, got '" + text + "'");
}

// The slices [first, last) of each of `ranks` time ranks under placement `p`
// (not automatic). Throws std::invalid_argument if a rank would own none.
inline std::vector<std::vector<int>> place(int first, int last, int ranks, const Placement& p) {
  if (p.kind == Placement::Kind::automatic) {
    throw std::invalid_argument(
        "pint::parareal::place: resolve the automatic placement first (choose_placement)");
  }
  if (p.kind == Placement::Kind::block) return block_placement(first, last, ranks);
  if (p.cycle < 1) {
    throw std::invalid_argument("block-cyclic placement: the slices per deal must be >= 1, got " +
                                std::to_string(p.cycle));
  }
  std::vector<std::vector<int>> owned(static_cast<size_t>(ranks));
  for (int n = first; n < last; ++n)
    owned[static_cast<size_t>((n - first) / p.cycle % ranks)].push_back(n);
  for (int r = 0; r < ranks; ++r) {
    if (owned[static_cast<size_t>(r)].empty()) {
      throw std::invalid_argument(placement_name(p) + " leaves time rank " + std::to_string(r) +
                                  " without slices in a " + "window of " +
                                  std::to_string(last - first) + " slices; deal at most " +
                                  std::to_string((last - first) / ranks) +
                                  " slices at a time (--placement block-cyclic:B)");
    }
  }
  return owned;
}

// Boundary messages of one sweep under `owned`: slice pairs (n, n + 1) on
// different ranks.
inline int boundary_messages(int slices, const std::vector<std::vector<int>>& owned) {
  std::vector<int> owner(static_cast<size_t>(slices), -1);
  for (size_t p = 0; p < owned.size(); ++p)
    for (int n : owned[p])
      owner[static_cast<size_t>(n)] = static_cast<int>(p);
  int count = 0;
  for (int n = 1; n < slices; ++n)
    count += owner[static_cast<size_t>(n)] != owner[static_cast<size_t>(n) - 1] ? 1 : 0;
  return count;
}

// The placements `automatic` chooses among for windows of `slices` each over
// `ranks` time ranks: block, cyclic and block-cyclic with every deal size that
// leaves each rank a slice in every window.
inline std::vector<Placement> placement_candidates(const std::vector<int>& slices, int ranks) {
  std::vector<Placement> out{{Placement::Kind::block, 1}};
  const int smallest = slices.empty() ? 0 : *std::min_element(slices.begin(), slices.end());
  for (int cycle = 1; ranks > 1 && cycle * ranks <= smallest; ++cycle) {
    const Placement p{Placement::Kind::cyclic, cycle};
    bool same_as_block = true;
    for (int n : slices)
      same_as_block = same_as_block && place(0, n, ranks, p) == block_placement(0, n, ranks);
    if (!same_as_block) out.push_back(p);
  }
  return out;
}

// The candidate placement with the shortest schedule for windows of
// (slices, iterations) on `ranks` time ranks with the given costs; ties go to
// the earlier candidate (block first). `times`, if given, receives each
// candidate's modelled time.
inline Placement choose_placement(const std::vector<std::pair<int, int>>& windows, int ranks,
                                  double tau_f, double tau_g, const MessageCosts& cost,
                                  std::vector<std::pair<Placement, double>>* times = nullptr) {
  std::vector<int> slices;
  for (const auto& w : windows)
    slices.push_back(w.first);
  Placement best;
  double best_time = -1;
  for (const Placement& p : placement_candidates(slices, ranks)) {
    double t = 0;
    for (const auto& w : windows)
      t += schedule(w.first, place(0, w.first, ranks, p), w.second, tau_f, tau_g, cost);
    if (times) times->emplace_back(p, t);
    if (best_time < 0 || t < best_time * (1 - 1e-9)) {
      best = p;
      best_time = t;
    }
  }
  return best;
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
// `placement`: the run's; each P_time is modelled with it where it gives every
// rank a slice (else block), and with the model's choice when it is automatic.
inline Advice advise(const std::vector<std::pair<int, int>>& windows, std::int64_t members,
                     int p_time, int p_members, double tau_f, double tau_g,
                     const MessageCosts& cost, const Placement& placement = {}) {
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
    Placement p = placement;
    if (p.kind == Placement::Kind::automatic) {
      p = choose_placement(windows, pt, tau_f * scale, tau_g * scale, c);
    } else if (p.kind == Placement::Kind::cyclic && p.cycle * (pt - 1) >= smallest) {
      p = Placement{};  // some rank would own no slice
    }
    double t = 0;
    for (const auto& w : windows)
      t += schedule(w.first, place(0, w.first, pt, p), w.second, tau_f * scale, tau_g * scale, c);
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
