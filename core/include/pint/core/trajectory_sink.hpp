// Where a propagation's saved rows go. The kernels layer calls a sink; the io
// layer provides the HDF5 one; parareal passes sinks through without knowing
// what they are. Everything here is host-side and independent of Kokkos.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pint::core {

// One propagation (a fine solve of one slice, or a sequential run) whose
// trajectory is saved. Steps: n equal steps of (t1 - t0) / n covering [t0, t1];
// saved time points: step 0, every `save_every`-th step, and always step n.
struct SolveDescription {
  std::string system;      // e.g. "oscillator"
  std::string integrator;  // e.g. "euler"
  int dim = 0;             // components per member
  int iteration = 0;       // parareal iteration k (0 for a sequential run)
  int slice = 0;           // slice index (0 for a sequential run)
  double t0 = 0, t1 = 0;   // the span
  double h = 0;            // the requested step size (the seed's `h` attribute)
  std::int64_t n = 0;      // number of steps
  std::int64_t save_every = 1;
  // Global indices of the members saved in this solve, over the whole ensemble
  // (sorted). With member blocks, a rank writes rows [member_offset,
  // member_offset + local_members) of this list.
  std::vector<std::int64_t> saved_members;
  std::int64_t member_offset = 0;
  std::int64_t local_members = 0;
  std::int64_t ensemble_size = 0;  // M, the whole ensemble
  // Whether the solve is a final sweep's: F(U_n^K) from the converged
  // boundary of iteration K = iteration - 1 (its file says so).
  bool final_sweep = false;

  // Number of saved time points: 0, m, 2m, ... and n (always).
  std::int64_t saved_steps() const {
    return save_every <= 0 ? 0 : n / save_every + 1 + (n % save_every != 0 ? 1 : 0);
  }
  // Step index of saved time point s.
  std::int64_t step_of(std::int64_t s) const { return s * save_every < n ? s * save_every : n; }
  // Time of step i: t0 + i (t1 - t0) / n, and exactly t1 at i = n (numpy's linspace).
  double time_of_step(std::int64_t i) const {
    return i == n ? t1 : t0 + static_cast<double>(i) * ((t1 - t0) / static_cast<double>(n));
  }
};

class TrajectorySink {
 public:
  // Space a sink lends for the next saved rows (see next_rows()).
  struct RowSpan {
    std::int64_t first = 0;   // saved index of the first row
    std::int64_t count = 0;   // saved time points the span holds
    double* times = nullptr;  // count times
    double* rows = nullptr;   // count x local_members x dim, row-major
  };

  virtual ~TrajectorySink() = default;
  // A new solve starts; at most one is open at a time per sink.
  virtual void begin(const SolveDescription& solve) = 0;
  // `count` consecutive saved time points starting at saved index `first`:
  // rows[s][j][c] (row-major, count x local_members x dim) and times[s], on the
  // host, valid only during the call (a sink that writes later copies them).
  virtual void write(std::int64_t first, std::int64_t count, const double* times,
                     const double* rows) = 0;
  // Zero-copy path, optional: lends the sink's own buffer for the next saved rows
  // (at most max_count, from the rows handed over so far); the producer fills
  // times and rows and calls filled(k) for the first k <= count of them. A sink
  // that cannot lend returns an empty span (rows == nullptr), the default: the
  // producer then calls write().
  virtual RowSpan next_rows(std::int64_t /*max_count*/) { return {}; }
  virtual void filled(std::int64_t /*count*/) {}
  // All rows were written: make the solve's output complete (e.g. atomic rename).
  virtual void commit() = 0;
  // The solve failed or was cancelled: leave nothing that looks complete.
  virtual void abandon() noexcept = 0;
};

}  // namespace pint::core
