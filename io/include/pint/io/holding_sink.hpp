// Each slice's file written once: a sink in front of Hdf5TrajectorySink that
// holds the solves of parareal iterations in memory until their slice is final
// (or the run ends), so superseded iterations never reach the disk.
//
// begin() decides per solve:
//   - a solve the caller calls final (HoldOptions::final: its input can no
//     longer change, e.g. slice n of iteration k > n) goes straight to its
//     file through the inner sink, streamed as always;
//   - otherwise, if its bytes fit in what is left of the budget, its rows are
//     held in memory (lent to the producer: no copy) and commit() keeps them;
//   - else it streams to its file as today (above the budget).
// finish(finals) then writes, for every (slice, iteration) of `finals`, the
// held solve of that iteration through the inner sink (begin, write, commit:
// atomic as always) and drops every other held solve.
//
// Sizes are counted over the whole saved ensemble (saved steps x saved members
// x dim doubles), not this rank's rows, so the ranks that share a slice's file
// (member blocks) take the same decisions and call the inner sink's collective
// begin() and commit() together. Of each slice at most its two newest
// committed solves are held: the last iteration's and the one before it (a
// speculative fine solve of the iteration after the last may complete).
#pragma once

#include "pint/core/trajectory_sink.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <utility>
#include <vector>

namespace pint::io {

struct HoldOptions {
  // Bytes of held solves at most (whole-ensemble sizes, see above); 0: hold
  // nothing, every solve streams to its file.
  std::int64_t budget_bytes = 0;
  // Whether the solve of `slice` in `iteration` is final (goes to its file at
  // once). Empty: no solve is known final before finish().
  std::function<bool(int iteration, int slice)> final;
};

class HoldingSink final : public core::TrajectorySink {
 public:
  HoldingSink(core::TrajectorySink& files, HoldOptions options);

  void begin(const core::SolveDescription& solve) override;
  void write(std::int64_t first, std::int64_t count, const double* times,
             const double* rows) override;
  RowSpan next_rows(std::int64_t max_count) override;
  void filled(std::int64_t count) override;
  void commit() override;
  void abandon() noexcept override;

  // Writes the held solve of each (slice, iteration) in `finals` to its file,
  // in the order given, and drops the rest. With shared files, collective over
  // the ranks sharing them (the same `finals` on each).
  void finish(const std::vector<std::pair<int, int>>& finals);

  // Bytes held now (whole-ensemble sizes), and solves held or streamed so far.
  std::int64_t held_bytes() const { return held_bytes_; }
  int solves_held() const { return solves_held_; }
  int solves_streamed() const { return solves_streamed_; }

 private:
  struct Held {
    core::SolveDescription solve;
    std::vector<double> times, rows;
    std::int64_t bytes = 0;
  };
  static std::int64_t bytes_of(const core::SolveDescription& solve);
  void drop(Held& held);
  void recycle(Held& held);

  // Buffers of dropped solves, reused by the next held ones: a fresh buffer
  // costs a page fault and a zero fill per page, more than the fine solve
  // itself for small ensembles. At most as many as were ever held at once.
  struct Spare {
    std::vector<double> times, rows;
  };
  std::vector<Spare> spare_;

  core::TrajectorySink& files_;
  HoldOptions options_;
  bool open_ = false, holding_ = false;
  Held current_;
  std::int64_t next_ = 0, steps_ = 0, row_values_ = 0;
  std::map<int, std::vector<Held>> held_;  // by slice, oldest first
  std::int64_t held_bytes_ = 0;
  int solves_held_ = 0, solves_streamed_ = 0;
};

}  // namespace pint::io
