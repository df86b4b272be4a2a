#include "pint/parareal/paced_sink.hpp"

#include "pint/core/scoped_clock.hpp"

#include <algorithm>

namespace pint::parareal {

using Clock = core::ScopedClock<double>;

void PacedSink::begin(const core::SolveDescription& solve) {
  const std::int64_t saved = solve.saved_steps();
  const std::int64_t every = std::max<std::int64_t>(1, solve.save_every);
  span_rows_ =
      std::max<std::int64_t>({1, (saved + spans_ - 1) / spans_, (min_steps_ + every - 1) / every});
  row_values_ = solve.local_members * solve.dim;
  next_ = 0;
  Clock clock(output_seconds_);
  inner_.begin(solve);
}

void PacedSink::write(std::int64_t first, std::int64_t count, const double* times,
                      const double* rows) {
  // The producer took no lent span: pass on in spans of its own choosing.
  Clock clock(output_seconds_);
  inner_.write(first, count, times, rows);
  next_ = first + count;
}

core::TrajectorySink::RowSpan PacedSink::next_rows(std::int64_t max_count) {
  const std::int64_t count = std::min(max_count, span_rows_);
  Clock clock(output_seconds_);
  lent_ = inner_.next_rows(count);
  inner_lent_ = lent_.rows != nullptr;
  if (!inner_lent_) {
    const auto values = static_cast<size_t>(count * row_values_);
    if (rows_.size() < values) rows_.resize(values);
    if (times_.size() < static_cast<size_t>(count)) times_.resize(static_cast<size_t>(count));
    lent_ = {next_, count, times_.data(), rows_.data()};
  }
  return lent_;
}

void PacedSink::filled(std::int64_t count) {
  Clock clock(output_seconds_);
  if (inner_lent_) {
    inner_.filled(count);
  } else {
    inner_.write(lent_.first, count, lent_.times, lent_.rows);
  }
  next_ = lent_.first + count;
}

void PacedSink::commit() {
  Clock clock(output_seconds_);
  inner_.commit();
}

void PacedSink::abandon() noexcept {
  Clock clock(output_seconds_);
  inner_.abandon();
}

}  // namespace pint::parareal
