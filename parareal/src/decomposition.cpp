#include "pint/parareal/decomposition.hpp"

#include "pint/core/ensemble.hpp"

#include <sstream>
#include <stdexcept>

namespace pint::parareal {

Decomposition::Decomposition(MPI_Comm world, int slices, std::int64_t members, int p_time,
                             int p_members, int window)
    : world_(world),
      slices_(slices),
      window_(window <= 0 ? slices : window),
      p_time_(p_time),
      p_members_(p_members),
      members_(members) {
  int size = 1, rank = 0;
  MPI_Comm_size(world, &size);
  MPI_Comm_rank(world, &rank);
  if (p_members < 1) p_members_ = 1;
  if (p_time <= 0) p_time_ = size / p_members_;
  if (slices < 1) throw std::invalid_argument("slices: need at least 1 time slice");
  if (p_time_ < 1 || p_time_ * p_members_ != size) {
    throw std::invalid_argument("the " + std::to_string(size) + " ranks cannot be split as " +
                                std::to_string(p_time_) + " time ranks x " +
                                std::to_string(p_members_) +
                                " member blocks; choose P_time x P_members = number of ranks");
  }
  if (window_ > slices_) window_ = slices_;
  if (p_time_ > window_) {
    throw std::invalid_argument("time ranks (" + std::to_string(p_time_) +
                                ") exceed the slices per window (" + std::to_string(window_) +
                                "); use at most as many time ranks as slices per window");
  }
  const int last_window = slices_ - (windows() - 1) * window_;
  if (p_time_ > last_window) {
    throw std::invalid_argument("the last window has " + std::to_string(last_window) +
                                " slices, fewer than the " + std::to_string(p_time_) +
                                " time ranks; choose a window size that divides the slices "
                                "into windows of at least P_time slices");
  }
  if (members_ < p_members_) {
    throw std::invalid_argument("member blocks (" + std::to_string(p_members_) +
                                ") exceed the ensemble's " + std::to_string(members_) + " members");
  }
  member_block_ = rank / p_time_;
  time_rank_ = rank % p_time_;
  MPI_Comm_split(world, member_block_, time_rank_, &time_comm_);
  MPI_Comm_split(world, time_rank_, member_block_, &member_comm_);
  member_range_ = core::block_range(members_, p_members_, member_block_);
}

Decomposition::~Decomposition() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized) return;
  if (time_comm_ != MPI_COMM_NULL) MPI_Comm_free(&time_comm_);
  if (member_comm_ != MPI_COMM_NULL) MPI_Comm_free(&member_comm_);
}

std::pair<int, int> Decomposition::window_slices(int w) const {
  const int first = w * window_;
  return {first, std::min(slices_, first + window_)};
}

std::vector<std::vector<int>> Decomposition::placement(int w, const Placement& placement) const {
  const auto [first, last] = window_slices(w);
  return place(first, last, p_time_, placement);
}

std::vector<int> Decomposition::owned_slices(int w, const Placement& placement) const {
  return this->placement(w, placement)[static_cast<size_t>(time_rank_)];
}

std::string Decomposition::describe() const {
  std::ostringstream os;
  os << p_time_ << " time rank(s) x " << p_members_ << " member block(s), " << slices_
     << " slices in " << windows() << " window(s) of " << window_;
  return os.str();
}

}  // namespace pint::parareal
