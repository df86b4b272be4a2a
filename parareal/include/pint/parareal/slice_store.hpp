// The states a time rank keeps for its slices, allocated once per run:
// for each owned slice i (global slice n = first + i)
//   out(i)    U_{n+1}^k, the slice's end state of the latest sweep
//   fine(i)   F(U_n^{k'}), its latest fine result (k' = fine_iteration(i) - 1)
//   g_old(i)  G(U_n^k), its latest coarse result
// plus one coarse scratch state swapped into g_old as each slice is corrected.
// The owned slices need not be contiguous (cyclic placements): slice i's input
// is out(i - 1) when slice i - 1 is its predecessor n - 1, else a handle set by
// whoever provides it (y0, or the boundary link for a slice whose predecessor
// another rank owns). input(i) is then U_n^k for every owned slice, with no
// copies. The states are
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

  // A new window whose owned slices are `slices` (global numbers, increasing,
  // at most capacity of them): every input counts as changed and no fine
  // result is known; inputs not chained to the previous slice are unset.
  void start(const std::vector<int>& slices) {
    if (static_cast<int>(slices.size()) > capacity()) {
      throw std::invalid_argument("pint::parareal::SliceStore: " + std::to_string(slices.size()) +
                                  " slices exceed the capacity of " + std::to_string(capacity()));
    }
    numbers_ = slices;
    slices_ = static_cast<int>(slices.size());
    changed_.assign(static_cast<size_t>(slices_), 1);
    fine_iteration_.assign(static_cast<size_t>(slices_), -1);
    inputs_.assign(static_cast<size_t>(slices_), View());
  }
  // A window of `slices` contiguous slices 0, 1, ...
  void start(int slices) {
    std::vector<int> numbers(static_cast<size_t>(slices));
    for (int i = 0; i < slices; ++i)
      numbers[static_cast<size_t>(i)] = i;
    start(numbers);
  }

  int slices() const { return slices_; }
  // Global number of owned slice i.
  int slice(int i) const { return numbers_[static_cast<size_t>(i)]; }
  // Whether slice i's input is the output of the owned slice before it.
  bool chained(int i) const { return i > 0 && slice(i - 1) + 1 == slice(i); }
  int capacity() const { return static_cast<int>(out_.size()); }
  std::int64_t members() const { return members_; }
  int dim() const { return dim_; }

  // U_n^k at slice i's start: the previous slice's output when chained, else
  // the handle set with set_input(i, state).
  const View& input(int i) const {
    return chained(i) ? out_[static_cast<size_t>(i - 1)] : inputs_[static_cast<size_t>(i)];
  }
  void set_input(int i, const View& state) {
    if (chained(i)) {
      throw std::logic_error("pint::parareal::SliceStore: slice " + std::to_string(slice(i)) +
                             "'s input is the previous slice's output; please report this bug");
    }
    inputs_[static_cast<size_t>(i)] = state;
  }
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
  std::vector<View> out_, fine_, g_old_, inputs_;
  View g_new_;
  std::vector<int> numbers_;
  std::vector<char> changed_;
  std::vector<int> fine_iteration_;
};

}  // namespace pint::parareal
