// How ranks are laid out over time slices and ensemble members.
//
// P = P_time x P_members ranks of a communicator. Rank r sits in member block
// r / P_time at time rank r % P_time. Each member block runs its own parareal
// over its own time communicator; the time ranks of a block own contiguous
// blocks of slices by default (N >= P_time, N need not be a multiple of P_time),
// or runs of slices dealt round robin (see Placement in model.hpp). Ranks with
// the same time rank share a member communicator (used to write one file per
// fine solve together, and to agree which slices to recompute).
#pragma once

#include "pint/parareal/model.hpp"

#include <mpi.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pint::parareal {

class Decomposition {
 public:
  // Collective over `world`. Throws std::invalid_argument (same on every rank)
  // when the numbers do not fit: p_time * p_members must equal the ranks,
  // p_time <= slices per window, p_members <= members.
  Decomposition(MPI_Comm world, int slices, std::int64_t members, int p_time, int p_members,
                int window = 0);
  ~Decomposition();
  Decomposition(const Decomposition&) = delete;
  Decomposition& operator=(const Decomposition&) = delete;

  int slices() const { return slices_; }
  int window_size() const { return window_; }
  int windows() const { return (slices_ + window_ - 1) / window_; }
  // Slices [first, last) of window w.
  std::pair<int, int> window_slices(int w) const;
  // The slices of window w each time rank owns under `placement` (resolved, not
  // automatic), in global slice numbers, increasing; throws
  // std::invalid_argument if the placement leaves a time rank without slices.
  std::vector<std::vector<int>> placement(int w, const Placement& placement) const;
  // This rank's part of placement(w, placement).
  std::vector<int> owned_slices(int w, const Placement& placement) const;

  int p_time() const { return p_time_; }
  int p_members() const { return p_members_; }
  int time_rank() const { return time_rank_; }
  int member_block() const { return member_block_; }
  MPI_Comm world() const { return world_; }
  MPI_Comm time_comm() const { return time_comm_; }
  MPI_Comm member_comm() const { return member_comm_; }

  std::int64_t members() const { return members_; }
  // This rank's members [begin, end) of the ensemble.
  std::pair<std::int64_t, std::int64_t> member_range() const { return member_range_; }
  std::string describe() const;

 private:
  MPI_Comm world_;
  MPI_Comm time_comm_ = MPI_COMM_NULL;
  MPI_Comm member_comm_ = MPI_COMM_NULL;
  int slices_, window_, p_time_, p_members_, time_rank_ = 0, member_block_ = 0;
  std::int64_t members_;
  std::pair<std::int64_t, std::int64_t> member_range_;
};

}  // namespace pint::parareal
