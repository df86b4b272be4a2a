// A sink that hands a solve's rows on to another sink in spans of at most
// 1/spans of the solve's saved time points (but at least min_steps steps). The producer
// (kernels::propagate) calls its between-spans hook after each span, so a saving fine solve gives
// the solver as many chances to progress its messages as a non-saving one,
// whatever the inner sink's buffer size. Rows are lent from the inner sink when
// it lends, else from a buffer here (allocated once, grown to the largest span).
// It also clocks the time spent in the inner sink (copies, waits for its
// writer, file creation and commit): output time, not fine time.
#pragma once

#include "pint/core/trajectory_sink.hpp"

#include <cstdint>
#include <vector>

namespace pint::parareal {

class PacedSink : public core::TrajectorySink {
 public:
  PacedSink(core::TrajectorySink& inner, int spans, std::int64_t min_steps = 1)
      : inner_(inner), spans_(spans < 1 ? 1 : spans), min_steps_(min_steps) {}

  void begin(const core::SolveDescription& solve) override;
  void write(std::int64_t first, std::int64_t count, const double* times,
             const double* rows) override;
  RowSpan next_rows(std::int64_t max_count) override;
  void filled(std::int64_t count) override;
  void commit() override;
  void abandon() noexcept override;

  // The most saved time points one span holds in the current solve.
  std::int64_t span_rows() const { return span_rows_; }
  // Seconds spent in the inner sink's calls so far.
  double output_seconds() const { return output_seconds_; }

 private:
  core::TrajectorySink& inner_;
  int spans_;
  std::int64_t min_steps_;
  std::int64_t span_rows_ = 1, next_ = 0, row_values_ = 0;
  bool inner_lent_ = false;
  double output_seconds_ = 0;
  RowSpan lent_;
  std::vector<double> rows_, times_;
};

}  // namespace pint::parareal
