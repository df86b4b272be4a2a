// Ensembles: M members, each with its own parameters and initial state. Member
// i's values are a pure function of (i, M, seed): they do not depend on how the
// members are split over ranks.
#pragma once

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pint::core {

// How one parameter or initial component varies across the members.
struct Distribution {
  enum class Kind { constant, linspace, uniform };
  Kind kind = Kind::constant;
  double lo = 0.0;  // the value (constant), the first value (linspace), the lower bound (uniform)
  double hi = 0.0;  // the last value (linspace), the upper bound (uniform, exclusive)

  static Distribution constant(double v) { return {Kind::constant, v, v}; }
  static Distribution linspace(double first, double last) { return {Kind::linspace, first, last}; }
  static Distribution uniform(double lo, double hi) { return {Kind::uniform, lo, hi}; }

  // Value for member `member` of `members`; `stream` separates the draws of
  // different quantities that share a seed.
  double value(std::int64_t member, std::int64_t members, std::uint64_t seed,
               std::uint64_t stream) const;
  std::string describe() const;
};

struct EnsembleSpec {
  std::int64_t members = 1;
  std::uint64_t seed = 0;
  std::vector<Distribution> params;   // one per system parameter
  std::vector<Distribution> initial;  // one per state component
  // Optional: member i's whole initial state (dim values) as a function of i,
  // for correlated components (a disc of stars); replaces `initial`. It must
  // depend on the member index alone, never on the decomposition.
  std::function<void(std::int64_t member, double* state)> initial_state;

  // Throws std::invalid_argument naming what is wrong and what is accepted.
  void validate(int num_params, int dim) const;
  double param(std::int64_t member, int k) const;
  double initial_value(std::int64_t member, int c) const;
};

// Members [begin, end) of an ensemble, on memory space Mem. Views are (members x
// components), LayoutLeft: one component of consecutive members is contiguous,
// which is what vector lanes and GPU threads read.
template <class MemorySpace>
struct EnsembleBlock {
  using view_type = Kokkos::View<double**, Kokkos::LayoutLeft, MemorySpace>;
  std::int64_t begin = 0;
  view_type params;  // (members, num_params)
  view_type state;   // (members, dim)
  std::int64_t size() const { return static_cast<std::int64_t>(state.extent(0)); }
};

template <class System, class MemorySpace = Kokkos::DefaultExecutionSpace::memory_space>
EnsembleBlock<MemorySpace> make_ensemble(const EnsembleSpec& spec, std::int64_t begin,
                                         std::int64_t end) {
  spec.validate(System::num_params, System::dim);
  if (begin < 0 || end < begin || end > spec.members) {
    throw std::invalid_argument("ensemble block [" + std::to_string(begin) + ", " +
                                std::to_string(end) + ") is outside the ensemble of " +
                                std::to_string(spec.members) + " members");
  }
  const auto n = static_cast<size_t>(end - begin);
  EnsembleBlock<MemorySpace> block;
  block.begin = begin;
  block.params = typename EnsembleBlock<MemorySpace>::view_type(
      Kokkos::view_alloc(Kokkos::WithoutInitializing, "pint::core::ensemble_params"), n,
      System::num_params);
  block.state = typename EnsembleBlock<MemorySpace>::view_type(
      Kokkos::view_alloc(Kokkos::WithoutInitializing, "pint::core::ensemble_state"), n,
      System::dim);
  auto params = Kokkos::create_mirror_view(block.params);
  auto state = Kokkos::create_mirror_view(block.state);
  double y[System::dim];
  for (size_t i = 0; i < n; ++i) {
    const std::int64_t m = begin + static_cast<std::int64_t>(i);
    for (int k = 0; k < System::num_params; ++k)
      params(i, k) = spec.param(m, k);
    if (spec.initial_state) spec.initial_state(m, y);
    for (int c = 0; c < System::dim; ++c)
      state(i, c) = spec.initial_state ? y[c] : spec.initial_value(m, c);
  }
  Kokkos::deep_copy(block.params, params);
  Kokkos::deep_copy(block.state, state);
  return block;
}

// Block of members owned by part `part` of `parts` equal contiguous parts.
inline std::pair<std::int64_t, std::int64_t> block_range(std::int64_t total, int parts, int part) {
  const std::int64_t base = total / parts, extra = total % parts;
  const std::int64_t begin = part * base + (part < extra ? part : extra);
  return {begin, begin + base + (part < extra ? 1 : 0)};
}

// Member states between a (members x dim) view in any memory space and host
// arrays laid out member after member (row-major), the layout of pint's files
// and run records. Appending grows `out` geometrically (never to the exact
// size: a reserve per call would copy the whole history every time).
template <class View>
void append_rows(const View& states, std::vector<double>& out) {
  const auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), states);
  const size_t needed = out.size() + host.extent(0) * host.extent(1);
  if (needed > out.capacity()) out.reserve(std::max(needed, 2 * out.capacity()));
  for (size_t m = 0; m < host.extent(0); ++m)
    for (size_t c = 0; c < host.extent(1); ++c)
      out.push_back(host(m, c));
}
template <class View>
void assign_rows(const double* rows, const View& states) {
  const auto host = Kokkos::create_mirror_view(states);
  for (size_t m = 0; m < host.extent(0); ++m)
    for (size_t c = 0; c < host.extent(1); ++c)
      host(m, c) = rows[m * host.extent(1) + c];
  Kokkos::deep_copy(states, host);
}

}  // namespace pint::core
