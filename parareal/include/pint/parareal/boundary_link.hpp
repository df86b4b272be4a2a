// The boundary link of a time rank: receives U^k at its first boundary from the
// previous time rank and sends U^k at its last boundary to the next one, with a
// flag saying whether that state changed since U^{k-1}.
//
// Buffers are allocated once, when the link is made. Where MPI can read and
// write the state's memory (host memory, or device memory with a CUDA- or
// ROCm-aware MPI) messages go straight from and to device views: the send reads
// the sender's own output view (which must not change until the send is
// complete, see wait_sent()), and receives alternate between two views, so the
// next U can arrive while the current one is still being read. Otherwise one
// host staging buffer per direction carries them, with one copy each way.
//
// Messages progress while the rank computes only if something calls into MPI:
// progress() tests the pending requests and is meant to be called between spans
// of the fine solves.
#pragma once

#include "pint/core/compat.hpp"

#include <mpi.h>
#if defined(__has_include)
#if __has_include(<mpi-ext.h>)
#include <mpi-ext.h>
#endif
#endif
#include <Kokkos_Core.hpp>

#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace pint::parareal {

// Whether the MPI library reads and writes GPU memory itself, as it says at run
// time (Open MPI's MPIX_Query_cuda_support / MPIX_Query_rocm_support).
inline bool mpi_reads_device_memory() {
#if defined(MPIX_CUDA_AWARE_SUPPORT) && MPIX_CUDA_AWARE_SUPPORT
  if (MPIX_Query_cuda_support() == 1) return true;
#endif
#if defined(MPIX_ROCM_AWARE_SUPPORT) && MPIX_ROCM_AWARE_SUPPORT
  if (MPIX_Query_rocm_support() == 1) return true;
#endif
  return false;
}

// How boundary messages reach MPI.
enum class Transfer {
  automatic,  // direct when MPI can read the memory space, else staged
  direct,     // views' memory handed to MPI
  staged      // through host buffers (one copy each way)
};

template <class MemorySpace>
class BoundaryLink {
 public:
  using View = Kokkos::View<double**, Kokkos::LayoutLeft, MemorySpace>;
  static constexpr bool host_memory =
      Kokkos::SpaceAccessibility<Kokkos::HostSpace, MemorySpace>::accessible;

  // `previous`, `next`: ranks in `comm`, or -1 where there is none. States are
  // members x dim.
  BoundaryLink(MPI_Comm comm, int previous, int next, std::int64_t members, int dim,
               Transfer transfer = Transfer::automatic)
      : comm_(comm),
        previous_(previous),
        next_(next),
        count_(static_cast<std::int64_t>(members) * dim) {
    if (count_ > static_cast<std::int64_t>(INT32_MAX)) {
      throw std::invalid_argument(
          "pint::parareal::BoundaryLink: a boundary state of " + std::to_string(count_) +
          " values exceeds one MPI message; use member blocks (--p-members) to split it");
    }
    direct_ = transfer == Transfer::direct ||
              (transfer == Transfer::automatic && (host_memory || mpi_reads_device_memory()));
    if (transfer == Transfer::direct && !host_memory && !mpi_reads_device_memory()) {
      throw std::invalid_argument(
          "pint::parareal::BoundaryLink: direct transfers of device memory need a CUDA- or "
          "ROCm-aware MPI, and this one says it is not; use Transfer::staged or automatic");
    }
    const auto m = static_cast<size_t>(members);
    const auto d = static_cast<size_t>(dim);
    if (previous_ >= 0) {
      received_ = make(m, d);
      if (direct_) {
        arriving_ = make(m, d);  // receives alternate between the two
      } else {
        recv_host_ = HostView(alloc("pint::parareal::recv_staging"), m, d);
        ++allocations_;
      }
    }
    if (next_ >= 0 && !direct_) {
      send_host_ = HostView(alloc("pint::parareal::send_staging"), m, d);
      ++allocations_;
    }
  }
  ~BoundaryLink() {
    // Unwinding an error: the neighbour may never answer; leave the requests
    // (the runtime aborts the job) rather than wait forever.
    if (std::uncaught_exceptions() > 0) return;
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (finalized) return;
    cancel_receive();
    wait_sent();
  }
  BoundaryLink(const BoundaryLink&) = delete;
  BoundaryLink& operator=(const BoundaryLink&) = delete;

  bool has_previous() const { return previous_ >= 0; }
  bool has_next() const { return next_ >= 0; }
  bool direct() const { return direct_; }
  // Views and host buffers this link has allocated (all in the constructor).
  int allocations() const { return allocations_; }

  // Posts the receive of U^k (one at a time).
  void post_receive(int k) {
    if (previous_ < 0) return;
    if (recv_[0] != MPI_REQUEST_NULL) {
      throw std::logic_error("pint::parareal::BoundaryLink: a receive is already pending");
    }
    double* into = direct_ ? arriving_.data() : recv_host_.data();
    MPI_Irecv(into, static_cast<int>(count_), MPI_DOUBLE, previous_, tag(k), comm_, &recv_[0]);
    MPI_Irecv(&recv_flag_, 1, MPI_DOUBLE, previous_, tag(k) + 1, comm_, &recv_[1]);
  }

  // Waits for the U^k posted with post_receive(k). Returns the state (valid
  // until the next receive completes) and whether it changed since U^{k-1}.
  template <class ExecSpace>
  std::pair<View, bool> receive(const ExecSpace& exec) {
    double t = MPI_Wtime();
    MPI_Waitall(2, recv_, MPI_STATUSES_IGNORE);
    waiting_ += MPI_Wtime() - t;
    t = MPI_Wtime();
    if (direct_) {
      std::swap(received_, arriving_);
    } else {
      Kokkos::deep_copy(exec, received_, recv_host_);
      exec.fence();
    }
    copying_ += MPI_Wtime() - t;
    return {received_, recv_flag_ > 0.0};
  }

  // Sends U^k (`state`) to the next rank with `changed`. Completes the previous
  // send first. In direct mode `state` is handed to MPI: leave it unchanged
  // until wait_sent() (or the next send) returns.
  template <class ExecSpace>
  void send(const ExecSpace& exec, int k, const View& state, bool changed) {
    if (next_ < 0) return;
    wait_sent();
    const double t = MPI_Wtime();
    const double* from = state.data();
    if (!direct_) {
      Kokkos::deep_copy(exec, send_host_, state);
      exec.fence();
      from = send_host_.data();
    }
    send_flag_ = changed ? 1.0 : 0.0;
    MPI_Isend(from, static_cast<int>(count_), MPI_DOUBLE, next_, tag(k), comm_, &send_[0]);
    MPI_Isend(&send_flag_, 1, MPI_DOUBLE, next_, tag(k) + 1, comm_, &send_[1]);
    copying_ += MPI_Wtime() - t;
  }

  // Completes the pending send (blocking).
  void wait_sent() {
    if (send_[0] == MPI_REQUEST_NULL && send_[1] == MPI_REQUEST_NULL) return;
    const double t = MPI_Wtime();
    MPI_Waitall(2, send_, MPI_STATUSES_IGNORE);
    waiting_ += MPI_Wtime() - t;
  }

  // Lets pending messages progress (MPI_Test on each); never blocks.
  void progress() {
    int flag = 0;
    for (MPI_Request* r : {&recv_[0], &recv_[1], &send_[0], &send_[1]})
      if (*r != MPI_REQUEST_NULL) MPI_Test(r, &flag, MPI_STATUS_IGNORE);
  }
  bool pending() const {
    return recv_[0] != MPI_REQUEST_NULL || recv_[1] != MPI_REQUEST_NULL ||
           send_[0] != MPI_REQUEST_NULL || send_[1] != MPI_REQUEST_NULL;
  }

  // Withdraws a posted receive whose message will never come (the run stopped).
  void cancel_receive() {
    for (MPI_Request& r : recv_) {
      if (r == MPI_REQUEST_NULL) continue;
      MPI_Cancel(&r);
      MPI_Wait(&r, MPI_STATUS_IGNORE);
    }
  }

  // Seconds blocked waiting for messages, and spent staging them.
  double waiting() const { return waiting_; }
  double copying() const { return copying_; }

 private:
  using HostView = Kokkos::View<double**, Kokkos::LayoutLeft, Kokkos::HostSpace>;
  static auto alloc(const char* name) {
    // Filled with zeros: the pages are touched here, not in the first message.
    return Kokkos::view_alloc(std::string(name));
  }
  View make(size_t m, size_t d) {
    ++allocations_;
    return View(alloc("pint::parareal::boundary"), m, d);
  }
  static int tag(int k) { return 2 * (k % 15000); }

  MPI_Comm comm_;
  int previous_, next_;
  std::int64_t count_;
  bool direct_ = true;
  int allocations_ = 0;
  View received_, arriving_;
  HostView recv_host_, send_host_;
  double recv_flag_ = 0, send_flag_ = 0;
  MPI_Request recv_[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
  MPI_Request send_[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
  double waiting_ = 0, copying_ = 0;
};

}  // namespace pint::parareal
