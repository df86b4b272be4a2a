// The decision queue of a parareal window: after sweep k every rank starts a
// non-blocking all-reduce of its largest change (and largest |U|, for relative
// tolerances); the results are completed strictly in order, usually one
// iteration late, so no rank waits for the slowest one before starting its next
// fine solves. Every rank completes the same decisions in the same order, so
// all of them stop at the same iteration with the same history.
#pragma once

#include <mpi.h>

#include <array>
#include <functional>
#include <map>

namespace pint::parareal {

class DecisionQueue {
 public:
  // Collective use over `comm`: every rank must start the same iterations.
  // A decision k converges when its change is below `tolerance` (absolute), or
  // change / max|U| is (relative; a zero scale converges only on a zero change).
  DecisionQueue(MPI_Comm comm, double tolerance, bool relative);
  // Completes what is still pending (every rank started the same decisions),
  // unless an exception is unwinding the stack.
  ~DecisionQueue();
  DecisionQueue(const DecisionQueue&) = delete;
  DecisionQueue& operator=(const DecisionQueue&) = delete;

  // Starts decision k = started() + 1 with this rank's change and magnitude.
  void start(int k, double change, double magnitude);
  // Completes the decisions that have arrived, in order, without blocking.
  // Returns stopped().
  bool test();
  // Completes decisions up to k (blocking). Returns stopped().
  bool wait(int k);

  int started() const { return started_; }
  int decided() const { return decided_; }
  // The first decided iteration that converged or diverged (0: none yet).
  int stop_at() const { return stop_at_; }
  bool stopped() const { return stop_at_ > 0; }
  // The stop was a NaN or infinity (the global change is not finite).
  bool diverged() const { return diverged_; }
  // The global maximum change of a decided iteration k.
  double change(int k) const { return global_.at(k)[0]; }
  // Seconds spent blocked in wait().
  double waiting() const { return waiting_; }
  // Called on every rank as each decision completes, in order (k, global change).
  std::function<void(int, double)> on_decided;

 private:
  void record(int k);

  MPI_Comm comm_;
  double tolerance_;
  bool relative_;
  int started_ = 0, decided_ = 0, stop_at_ = 0;
  bool diverged_ = false;
  double waiting_ = 0;
  // Per iteration: this rank's (change, max |U|), the global maxima, the request.
  // std::map keeps the buffers in place while MPI writes them.
  std::map<int, std::array<double, 2>> local_, global_;
  std::map<int, MPI_Request> pending_;
};

}  // namespace pint::parareal
