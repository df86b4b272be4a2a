// The states a time rank keeps for its slices, allocated once per run:
// for each owned slice i (global slice n = first + i)
//   out(i)    U_{n+1}^k, the slice's end state of the latest sweep
//   fine(i)   F(U_n^{k'}), its latest fine result (k' = fine_iteration(i) - 1)
//   g_old(i)  G(U_n^k), its latest coarse result
// plus one coarse scratch state swapped into g_old as each slice is corrected,
// and the input of the first slice (U_n^k at the rank's first boundary), which
// is a handle set by whoever provides it (y0 or the boundary link).
// input(i) is then U_n^k for every owned slice, with no copies. The states are
// filled with zeros when made, so their pages are touched here and not inside
// the first (timed) solves.
#pragma once

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace pint::parareal {

template <class MemorySpace>
class SliceStore {
 public:
  using View = Kokkos::View<double**, Kokkos::LayoutLeft, MemorySpace>;

  // Room for up to `capacity` slices of members x dim states.
  SliceStore(int capacity, std::int64_t members, int dim) : members_(members), dim_(dim) {
    for (int i = 0; i < capacity; ++i) {
      out_.push_back(make("out"));
      fine_.push_back(make("fine"));
      g_old_.push_back(make("g_old"));
    }
    g_new_ = make("g_new");
    start(capacity);
  }

  // A new window with `slices` (<= capacity) owned slices: every input counts
  // as changed and no fine result is known.
  void start(int slices) {
    if (slices > capacity()) {
      throw std::invalid_argument("pint::parareal::SliceStore: " + std::to_string(slices) +
                                  " slices exceed the capacity of " + std::to_string(capacity()));
    }
    slices_ = slices;
    changed_.assign(static_cast<size_t>(slices), 1);
    fine_iteration_.assign(static_cast<size_t>(slices), -1);
  }

  int slices() const { return slices_; }
  int capacity() const { return static_cast<int>(out_.size()); }
  std::int64_t members() const { return members_; }
  int dim() const { return dim_; }

  // U_n^k at slice i's start: the first input, or the previous slice's output.
  const View& input(int i) const { return i == 0 ? first_ : out_[static_cast<size_t>(i - 1)]; }
  void set_first_input(const View& state) { first_ = state; }
  const View& out(int i) const { return out_[static_cast<size_t>(i)]; }
  const View& fine(int i) const { return fine_[static_cast<size_t>(i)]; }
  const View& g_old(int i) const { return g_old_[static_cast<size_t>(i)]; }
  // Where slice i's next coarse result goes; accept_coarse(i) makes it g_old(i).
  const View& g_new() const { return g_new_; }
  void accept_coarse(int i) { std::swap(g_new_, g_old_[static_cast<size_t>(i)]); }

  // Whether slice i's input changed since its last fine solve.
  bool changed(int i) const { return changed_[static_cast<size_t>(i)] != 0; }
  void set_changed(int i, bool changed) { changed_[static_cast<size_t>(i)] = changed ? 1 : 0; }
  std::vector<char>& changed_flags() { return changed_; }
  // Slice i's fine result is F(U_n^{k-1}), computed in iteration k.
  void set_fine(int i, int k) {
    fine_iteration_[static_cast<size_t>(i)] = k;
    changed_[static_cast<size_t>(i)] = 0;
  }
  // The iteration of each slice's latest fine solve (-1: none yet).
  const std::vector<int>& fine_iterations() const { return fine_iteration_; }

 private:
  View make(const char* name) {
    return View(Kokkos::view_alloc(std::string("pint::parareal::") + name),
                static_cast<size_t>(members_), static_cast<size_t>(dim_));
  }

  std::int64_t members_;
  int dim_;
  int slices_ = 0;
  std::vector<View> out_, fine_, g_old_;
  View g_new_, first_;
  std::vector<char> changed_;
  std::vector<int> fine_iteration_;
};

}  // namespace pint::parareal
