// The boundary links of a time rank: for each owned slice whose predecessor
// another time rank owns, the receive of its input U_n^k; for each owned slice
// whose successor another rank owns, the send of its output U_{n+1}^k; each
// with a flag saying whether that state changed since iteration k - 1. With
// block placement that is one receive at the rank's first boundary and one
// send at its last; cyclic placements have one per slice. Messages are tagged
// by (k mod 2, slice), so the receives of several slices from one rank, and the
// next iteration's message arriving early, are told apart.
//
// Buffers are allocated once, when the link is made, for the most receives and
// sends of any window (route() assigns them to the window's slices). Where MPI
// can read and write the state's memory (host memory, or device memory with a
// CUDA- or ROCm-aware MPI) messages go straight from and to device views: the
// send reads the sender's own output view (which must not change until the
// send is complete, see wait_sent()), and each receive alternates between two
// views, so U^{k+1} can arrive while U^k is still being read. Otherwise one
// host staging buffer per message carries it, with one copy each way.
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
#include <vector>

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

  // Room for `receives` incoming and `sends` outgoing states of members x dim
  // per window; `slices`: the run's slices (message tags go up to 4 slices).
  BoundaryLink(MPI_Comm comm, int receives, int sends, std::int64_t members, int dim, int slices,
               Transfer transfer = Transfer::automatic)
      : comm_(comm), count_(static_cast<std::int64_t>(members) * dim), slices_(slices) {
    if (count_ > static_cast<std::int64_t>(INT32_MAX)) {
      throw std::invalid_argument(
          "pint::parareal::BoundaryLink: a boundary state of " + std::to_string(count_) +
          " values exceeds one MPI message; use member blocks (--p-members) to split it");
    }
    int* tag_ub = nullptr;
    int found = 0;
    MPI_Comm_get_attr(comm, MPI_TAG_UB, &tag_ub, &found);
    const std::int64_t largest = 4 * static_cast<std::int64_t>(slices) + 3;
    if (found && tag_ub && *tag_ub < largest) {
      throw std::invalid_argument("pint::parareal::BoundaryLink: " + std::to_string(slices) +
                                  " slices need message tags up to " + std::to_string(largest) +
                                  " and this MPI allows " + std::to_string(*tag_ub) +
                                  "; use fewer slices");
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
    in_.resize(static_cast<size_t>(std::max(receives, 0)));
    for (auto& c : in_) {
      c.received = make(m, d);
      if (direct_) {
        c.arriving = make(m, d);  // receives alternate between the two
      } else {
        c.host = HostView(alloc("pint::parareal::recv_staging"), m, d);
        ++allocations_;
      }
    }
    out_.resize(static_cast<size_t>(std::max(sends, 0)));
    if (!direct_) {
      for (auto& c : out_) {
        c.host = HostView(alloc("pint::parareal::send_staging"), m, d);
        ++allocations_;
      }
    }
  }
  ~BoundaryLink() {
    // Unwinding an error: the neighbour may never answer; leave the requests
    // (the runtime aborts the job) rather than wait forever.
    if (std::uncaught_exceptions() > 0) return;
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (finalized) return;
    cancel_receives();
    wait_sent();
  }
  BoundaryLink(const BoundaryLink&) = delete;
  BoundaryLink& operator=(const BoundaryLink&) = delete;

  bool direct() const { return direct_; }
  // Views and host buffers this link has allocated (all in the constructor).
  int allocations() const { return allocations_; }

  // The messages of a window (after the previous window's are complete): owned
  // slot i is global slice slices[i], its input comes from rank from[i] and its
  // output goes to rank to[i] (-1: from/to this rank, or none).
  void route(const std::vector<int>& slices, const std::vector<int>& from,
             const std::vector<int>& to) {
    if (pending()) {
      throw std::logic_error("pint::parareal::BoundaryLink: route() with messages pending");
    }
    slots_.assign(slices.size(), Slot{});
    size_t r = 0, s = 0;
    for (size_t i = 0; i < slices.size(); ++i) {
      Slot& slot = slots_[i];
      slot.slice = slices[i];
      if (from[i] >= 0) {
        slot.from = from[i];
        slot.in = static_cast<int>(r++);
      }
      if (to[i] >= 0) {
        slot.to = to[i];
        slot.out = static_cast<int>(s++);
      }
    }
    if (r > in_.size() || s > out_.size()) {
      throw std::logic_error("pint::parareal::BoundaryLink: a window needs " + std::to_string(r) +
                             " receives and " + std::to_string(s) +
                             " sends, the link was made for " + std::to_string(in_.size()) +
                             " and " + std::to_string(out_.size()) + "; please report this bug");
    }
  }
  bool receives(int slot) const { return slots_[static_cast<size_t>(slot)].in >= 0; }
  bool sends(int slot) const { return slots_[static_cast<size_t>(slot)].out >= 0; }

  // Posts the receive of U^k for every slot whose input comes from another rank.
  void post_receives(int k) {
    for (size_t i = 0; i < slots_.size(); ++i)
      if (slots_[i].in >= 0) post_receive(static_cast<int>(i), k);
  }

  // Waits for slot's pending U^k, then posts the receive of its U^{k+1}.
  // Returns the state (valid until the slot's next receive completes) and
  // whether it changed since U^{k-1}.
  template <class ExecSpace>
  std::pair<View, bool> receive(const ExecSpace& exec, int slot) {
    Slot& sl = slots_[static_cast<size_t>(slot)];
    Incoming& c = in_[static_cast<size_t>(sl.in)];
    if (!c.posted) {
      throw std::logic_error("pint::parareal::BoundaryLink: receive without a posted receive");
    }
    double t = MPI_Wtime();
    MPI_Waitall(2, c.request, MPI_STATUSES_IGNORE);  // progress() may have completed them
    c.posted = false;
    waiting_ += MPI_Wtime() - t;
    t = MPI_Wtime();
    if (direct_) {
      std::swap(c.received, c.arriving);
    } else {
      Kokkos::deep_copy(exec, c.received, c.host);
      exec.fence();
    }
    copying_ += MPI_Wtime() - t;
    const bool changed = c.flag > 0.0;
    post_receive(slot, c.k + 1);
    return {c.received, changed};
  }

  // Sends slot's output U^k (`state`) with `changed`; completes the slot's
  // previous send first. In direct mode `state` is handed to MPI: leave it
  // unchanged until wait_sent(slot) (or the slot's next send) returns.
  template <class ExecSpace>
  void send(const ExecSpace& exec, int k, int slot, const View& state, bool changed) {
    const Slot& sl = slots_[static_cast<size_t>(slot)];
    if (sl.out < 0) return;
    wait_sent(slot);
    Outgoing& c = out_[static_cast<size_t>(sl.out)];
    const double t = MPI_Wtime();
    const double* from = state.data();
    if (!direct_) {
      Kokkos::deep_copy(exec, c.host, state);
      exec.fence();
      from = c.host.data();
    }
    c.flag = changed ? 1.0 : 0.0;
    MPI_Isend(from, static_cast<int>(count_), MPI_DOUBLE, sl.to, tag(k, sl.slice + 1), comm_,
              &c.request[0]);
    MPI_Isend(&c.flag, 1, MPI_DOUBLE, sl.to, tag(k, sl.slice + 1) + 1, comm_, &c.request[1]);
    copying_ += MPI_Wtime() - t;
  }

  // Completes slot's pending send (blocking); without a slot, every send.
  void wait_sent(int slot) {
    const Slot& sl = slots_[static_cast<size_t>(slot)];
    if (sl.out >= 0) wait(out_[static_cast<size_t>(sl.out)].request);
  }
  void wait_sent() {
    for (auto& c : out_)
      wait(c.request);
  }

  // Lets pending messages progress (MPI_Test on each); never blocks.
  void progress() {
    int flag = 0;
    const auto test = [&flag](MPI_Request* r) {
      for (int j = 0; j < 2; ++j)
        if (r[j] != MPI_REQUEST_NULL) MPI_Test(&r[j], &flag, MPI_STATUS_IGNORE);
    };
    for (auto& c : in_)
      test(c.request);
    for (auto& c : out_)
      test(c.request);
  }
  bool pending() const {
    const auto any = [](const MPI_Request* r) {
      return r[0] != MPI_REQUEST_NULL || r[1] != MPI_REQUEST_NULL;
    };
    for (const auto& c : in_)
      if (c.posted || any(c.request)) return true;
    for (const auto& c : out_)
      if (any(c.request)) return true;
    return false;
  }

  // Withdraws the posted receives whose messages will never come (the run
  // stopped). A message sent later with the same tag (the next run on the same
  // communicator) could still match a receive not yet withdrawn: let no rank
  // send again before every rank has withdrawn its receives (a barrier).
  void cancel_receives() {
    for (auto& c : in_) {
      c.posted = false;
      for (MPI_Request& r : c.request) {
        if (r == MPI_REQUEST_NULL) continue;
        MPI_Cancel(&r);
        MPI_Wait(&r, MPI_STATUS_IGNORE);
      }
    }
  }

  // Seconds blocked waiting for messages, and spent staging them.
  double waiting() const { return waiting_; }
  double copying() const { return copying_; }

  // The tag of the message carrying U^k at boundary n (the input of slice n);
  // its flag goes with the tag + 1.
  int tag(int k, int n) const { return 2 * ((k % 2) * (slices_ + 1) + n); }

 private:
  using HostView = Kokkos::View<double**, Kokkos::LayoutLeft, Kokkos::HostSpace>;
  struct Incoming {
    View received, arriving;
    HostView host;
    double flag = 0;
    int k = 0;            // the iteration of the posted receive
    bool posted = false;  // posted and not yet received (its requests may be complete)
    MPI_Request request[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
  };
  struct Outgoing {
    HostView host;
    double flag = 0;
    MPI_Request request[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
  };
  struct Slot {
    int slice = 0, from = -1, to = -1, in = -1, out = -1;
  };

  static auto alloc(const char* name) {
    // Filled with zeros: the pages are touched here, not in the first message.
    return Kokkos::view_alloc(std::string(name));
  }
  View make(size_t m, size_t d) {
    ++allocations_;
    return View(alloc("pint::parareal::boundary"), m, d);
  }
  void post_receive(int slot, int k) {
    const Slot& sl = slots_[static_cast<size_t>(slot)];
    Incoming& c = in_[static_cast<size_t>(sl.in)];
    if (c.posted) {
      throw std::logic_error("pint::parareal::BoundaryLink: a receive is already pending");
    }
    c.posted = true;
    c.k = k;
    double* into = direct_ ? c.arriving.data() : c.host.data();
    MPI_Irecv(into, static_cast<int>(count_), MPI_DOUBLE, sl.from, tag(k, sl.slice), comm_,
              &c.request[0]);
    MPI_Irecv(&c.flag, 1, MPI_DOUBLE, sl.from, tag(k, sl.slice) + 1, comm_, &c.request[1]);
  }
  void wait(MPI_Request* r) {
    if (r[0] == MPI_REQUEST_NULL && r[1] == MPI_REQUEST_NULL) return;
    const double t = MPI_Wtime();
    MPI_Waitall(2, r, MPI_STATUSES_IGNORE);
    waiting_ += MPI_Wtime() - t;
  }

  MPI_Comm comm_;
  std::int64_t count_;
  int slices_;
  bool direct_ = true;
  int allocations_ = 0;
  std::vector<Incoming> in_;
  std::vector<Outgoing> out_;
  std::vector<Slot> slots_;
  double waiting_ = 0, copying_ = 0;
};

}  // namespace pint::parareal
