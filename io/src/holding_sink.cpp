#include "pint/io/holding_sink.hpp"

#include "pint/core/compat.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace pint::io {

HoldingSink::HoldingSink(core::TrajectorySink& files, HoldOptions options)
    : files_(files), options_(std::move(options)) {
  if (options_.budget_bytes < 0) {
    throw std::invalid_argument("pint::io::HoldingSink: budget_bytes is " +
                                std::to_string(options_.budget_bytes) +
                                "; give 0 (hold nothing) or more");
  }
}

std::int64_t HoldingSink::bytes_of(const core::SolveDescription& s) {
  const auto members = static_cast<std::int64_t>(s.saved_members.size());
  return s.saved_steps() * (members * s.dim + 1) * static_cast<std::int64_t>(sizeof(double));
}

void HoldingSink::recycle(Held& held) {
  if (held.rows.capacity() > 0 || held.times.capacity() > 0)
    spare_.push_back(Spare{std::move(held.times), std::move(held.rows)});
  held = Held{};
}

void HoldingSink::drop(Held& held) {
  held_bytes_ -= held.bytes;
  recycle(held);
}

void HoldingSink::begin(const core::SolveDescription& solve) {
  ScopedRegion region("pint::io::HoldingSink::begin");
  if (open_) {
    throw std::logic_error(
        "pint::io::HoldingSink: begin() while a solve is open; commit() or abandon() it first");
  }
  const std::int64_t bytes = bytes_of(solve);
  const bool final = options_.final && options_.final(solve.iteration, solve.slice);
  holding_ = !final && bytes <= options_.budget_bytes - held_bytes_;
  if (!holding_) {
    files_.begin(solve);
    open_ = true;
    return;
  }
  current_.solve = solve;
  current_.bytes = bytes;
  steps_ = solve.saved_steps();
  row_values_ = solve.local_members * solve.dim;
  const auto rows = static_cast<size_t>(steps_ * row_values_);
  if (!spare_.empty()) {
    // The spare buffer of the most rows (usually all of one size).
    auto most = std::max_element(spare_.begin(), spare_.end(), [](const Spare& a, const Spare& b) {
      return a.rows.capacity() < b.rows.capacity();
    });
    current_.times = std::move(most->times);
    current_.rows = std::move(most->rows);
    spare_.erase(most);
  }
  current_.times.resize(static_cast<size_t>(steps_));
  current_.rows.resize(rows);
  held_bytes_ += bytes;  // counted while it is written, too
  next_ = 0;
  open_ = true;
}

void HoldingSink::write(std::int64_t first, std::int64_t count, const double* times,
                        const double* rows) {
  if (!open_) throw std::logic_error("pint::io::HoldingSink: write() without begin()");
  if (!holding_) {
    files_.write(first, count, times, rows);
    return;
  }
  if (first != next_ || count < 0 || count > steps_ - first) {
    throw std::invalid_argument("pint::io::HoldingSink: write() of rows " + std::to_string(first) +
                                " + " + std::to_string(count) + ", expected row " +
                                std::to_string(next_) + " of " + std::to_string(steps_) +
                                "; write every saved time point once, in order");
  }
  std::memcpy(current_.times.data() + first, times, static_cast<size_t>(count) * sizeof(double));
  if (row_values_ > 0) {
    std::memcpy(current_.rows.data() + first * row_values_, rows,
                static_cast<size_t>(count * row_values_) * sizeof(double));
  }
  next_ += count;
}

core::TrajectorySink::RowSpan HoldingSink::next_rows(std::int64_t max_count) {
  if (!open_) throw std::logic_error("pint::io::HoldingSink: next_rows() without begin()");
  if (!holding_) return files_.next_rows(max_count);
  const std::int64_t count = std::max<std::int64_t>(0, std::min(max_count, steps_ - next_));
  return RowSpan{next_, count, current_.times.data() + next_,
                 current_.rows.data() + next_ * row_values_};
}

void HoldingSink::filled(std::int64_t count) {
  if (!open_) throw std::logic_error("pint::io::HoldingSink: filled() without begin()");
  if (!holding_) {
    files_.filled(count);
    return;
  }
  if (count < 0 || count > steps_ - next_) {
    throw std::invalid_argument("pint::io::HoldingSink: filled(" + std::to_string(count) +
                                ") past the solve's " + std::to_string(steps_) + " saved rows");
  }
  next_ += count;
}

void HoldingSink::commit() {
  ScopedRegion region("pint::io::HoldingSink::commit");
  if (!open_) throw std::logic_error("pint::io::HoldingSink: commit() without begin()");
  if (!holding_) {
    files_.commit();  // if it throws, the solve stays open and abandon() passes on
    open_ = false;
    ++solves_streamed_;
    return;
  }
  if (next_ != steps_) {
    throw std::logic_error("pint::io::HoldingSink: commit() after " + std::to_string(next_) +
                           " of " + std::to_string(steps_) +
                           " saved rows; write the rest first, or abandon() the solve");
  }
  auto& list = held_[current_.solve.slice];
  list.push_back(std::move(current_));
  current_ = Held{};
  // The two newest of the slice stay (see the header); older ones are superseded.
  std::sort(list.begin(), list.end(),
            [](const Held& a, const Held& b) { return a.solve.iteration < b.solve.iteration; });
  while (list.size() > 2) {
    drop(list.front());
    list.erase(list.begin());
  }
  ++solves_held_;
  open_ = false;
}

void HoldingSink::abandon() noexcept {
  if (!open_) return;
  open_ = false;
  if (!holding_) {
    files_.abandon();
    return;
  }
  held_bytes_ -= current_.bytes;
  recycle(current_);
}

void HoldingSink::finish(const std::vector<std::pair<int, int>>& finals) {
  ScopedRegion region("pint::io::HoldingSink::finish");
  if (open_) abandon();
  for (const auto& [slice, iteration] : finals) {
    const auto found = held_.find(slice);
    if (found == held_.end()) continue;
    for (Held& h : found->second) {
      if (h.solve.iteration != iteration) continue;
      files_.begin(h.solve);
      files_.write(0, h.solve.saved_steps(), h.times.data(), h.rows.data());
      files_.commit();
      drop(h);
    }
  }
  held_.clear();
  spare_.clear();
  held_bytes_ = 0;
}

}  // namespace pint::io
