#include "pint/parareal/decisions.hpp"

#include <cmath>
#include <exception>
#include <stdexcept>
#include <string>

namespace pint::parareal {

DecisionQueue::DecisionQueue(MPI_Comm comm, double tolerance, bool relative)
    : comm_(comm), tolerance_(tolerance), relative_(relative) {}

DecisionQueue::~DecisionQueue() {
  // Unwinding an error: other ranks may never join; leave the requests (the
  // runtime aborts the job) rather than wait forever.
  if (std::uncaught_exceptions() > 0) return;
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized) return;
  for (auto& p : pending_)
    MPI_Wait(&p.second, MPI_STATUS_IGNORE);
}

void DecisionQueue::start(int k, double change, double magnitude) {
  if (k != started_ + 1) {
    throw std::logic_error("pint::parareal::DecisionQueue: decision " + std::to_string(k) +
                           " started after " + std::to_string(started_) +
                           "; decisions start in order (please report this bug)");
  }
  local_[k] = {change, magnitude};
  global_[k] = {0.0, 0.0};
  MPI_Iallreduce(local_[k].data(), global_[k].data(), 2, MPI_DOUBLE, MPI_MAX, comm_, &pending_[k]);
  started_ = k;
}

void DecisionQueue::record(int k) {
  pending_.erase(k);
  local_.erase(k);
  decided_ = k;
  const double change = global_[k][0];
  if (!std::isfinite(change) && stop_at_ == 0) {
    diverged_ = true;  // the same on every rank: the value is the global maximum
    stop_at_ = k;
  }
  const bool converged =
      relative_ ? (global_[k][1] > 0 ? change / global_[k][1] < tolerance_ : change == 0.0)
                : change < tolerance_;
  if (converged && stop_at_ == 0) stop_at_ = k;
  if (on_decided) on_decided(k, change);
}

bool DecisionQueue::test() {
  while (decided_ < started_) {
    const int next = decided_ + 1;
    int flag = 0;
    MPI_Test(&pending_[next], &flag, MPI_STATUS_IGNORE);
    if (!flag) break;
    record(next);
  }
  return stopped();
}

bool DecisionQueue::wait(int k) {
  if (k > started_) {
    throw std::logic_error("pint::parareal::DecisionQueue: waiting for decision " +
                           std::to_string(k) + " of which only " + std::to_string(started_) +
                           " were started (please report this bug)");
  }
  while (decided_ < k) {
    const int next = decided_ + 1;
    const double t = MPI_Wtime();
    MPI_Wait(&pending_[next], MPI_STATUS_IGNORE);
    waiting_ += MPI_Wtime() - t;
    record(next);
  }
  return stopped();
}

}  // namespace pint::parareal
