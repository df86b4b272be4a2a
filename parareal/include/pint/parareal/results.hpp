// A parareal result as one array a program can use without writing MPI: every
// boundary state U_0 .. U_N of every member, gathered on one rank or on all.
//
//   const auto r = pint::parareal::solve<System>(exec, dec, ensemble, times, opt);
//   const auto u = pint::parareal::gather_boundaries(dec, r, ensemble);      // on rank 0
//   if (!u.empty()) std::printf("%g\n", u(u.slices, 0, 0));                  // U_N, member 0
//   const auto all = pint::parareal::all_gather_boundaries(dec, r, ensemble); // every rank
#pragma once

#include "pint/core/ensemble.hpp"
#include "pint/parareal/decomposition.hpp"
#include "pint/parareal/solver.hpp"

#include <cstdint>
#include <vector>

namespace pint::parareal {

// Boundary states (slices + 1) x members x dim, row-major: U_n of member m is
// data[(n * members + m) * dim ...]. Empty (no data) on ranks that did not get it.
struct BoundaryStates {
  int slices = 0;
  std::int64_t members = 0;
  int dim = 0;
  std::vector<double> data;

  bool empty() const { return data.empty(); }
  double operator()(int n, std::int64_t m, int c) const {
    return data[static_cast<size_t>((n * members + m) * dim + c)];
  }
};

// Collective over dec.world(). `initial_rows` are this rank's members' initial
// states (members in dec.member_range(), row-major, dim each): U_0. Rank `root`
// of dec.world() gets every boundary of every member; the others get an empty
// result.
BoundaryStates gather_boundaries(const Decomposition& dec, const Result& r,
                                 const std::vector<double>& initial_rows, int root = 0);
// The same, on every rank.
BoundaryStates all_gather_boundaries(const Decomposition& dec, const Result& r,
                                     const std::vector<double>& initial_rows);

// With the ensemble block that was solved (its state is U_0).
template <class MemorySpace>
BoundaryStates gather_boundaries(const Decomposition& dec, const Result& r,
                                 const core::EnsembleBlock<MemorySpace>& ensemble, int root = 0) {
  std::vector<double> rows;
  core::append_rows(ensemble.state, rows);
  return gather_boundaries(dec, r, rows, root);
}
template <class MemorySpace>
BoundaryStates all_gather_boundaries(const Decomposition& dec, const Result& r,
                                     const core::EnsembleBlock<MemorySpace>& ensemble) {
  std::vector<double> rows;
  core::append_rows(ensemble.state, rows);
  return all_gather_boundaries(dec, r, rows);
}

}  // namespace pint::parareal
