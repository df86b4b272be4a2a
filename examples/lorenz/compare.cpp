// Reads two Lorenz runs' results back (pint::io::read_trajectory: no HDF5 or MPI
// code here) and checks what the runs should show:
//   - the two trajectories are identical bit for bit (parareal run to k = N
//     against the --sequential fine run);
//   - every member with rho < 1 decays to the origin.
//
//   lorenz_compare PARAREAL_DIR SEQUENTIAL_DIR RHO_FIRST RHO_LAST
//
// rho of member i is linspace(RHO_FIRST, RHO_LAST) over the members, as
// --param rho=linspace:RHO_FIRST:RHO_LAST gave it. Exit code 0 when both hold.
#include <pint/io/read_trajectory.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

double norm(const pint::io::Trajectory& tr, std::int64_t step, std::int64_t i) {
  double s = 0;
  for (std::int64_t c = 0; c < tr.dim; ++c)
    s += tr(step, i, c) * tr(step, i, c);
  return std::sqrt(s);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s PARAREAL_DIR SEQUENTIAL_DIR RHO_FIRST RHO_LAST\n", argv[0]);
    return 2;
  }
  const auto a = pint::io::read_trajectory(argv[1]);
  const auto b = pint::io::read_trajectory(argv[2]);
  const double rho0 = std::atof(argv[3]), rho1 = std::atof(argv[4]);
  int failures = 0;

  const bool same_shape = a.steps == b.steps && a.dim == b.dim && a.members == b.members;
  const bool identical =
      same_shape && a.times.size() == b.times.size() &&
      std::memcmp(a.times.data(), b.times.data(), a.times.size() * sizeof(double)) == 0 &&
      std::memcmp(a.data.data(), b.data.data(), a.data.size() * sizeof(double)) == 0;
  std::int64_t differing = 0;
  if (same_shape) {
    for (size_t k = 0; k < a.data.size(); ++k)
      differing += std::memcmp(&a.data[k], &b.data[k], sizeof(double)) != 0;
  }
  std::printf(
      "trajectories: %lld saved steps x %lld members x %lld, t = %g .. %g; %s (%lld of "
      "%zu values differ)\n",
      static_cast<long long>(a.steps), static_cast<long long>(a.saved_members()),
      static_cast<long long>(a.dim), a.times.empty() ? 0.0 : a.times.front(),
      a.times.empty() ? 0.0 : a.times.back(), identical ? "identical bit for bit" : "DIFFERENT",
      static_cast<long long>(differing), a.data.size());
  failures += identical ? 0 : 1;

  // rho < 1: the origin is globally stable; |y| falls by orders of magnitude.
  const std::int64_t M = a.saved_members(), last = a.steps - 1, mid = a.steps / 2;
  int decaying = 0;
  double worst = 0;
  for (std::int64_t i = 0; i < M && a.steps > 2; ++i) {
    const std::int64_t m = a.members[static_cast<size_t>(i)];
    const double rho = M > 1 ? rho0 + (rho1 - rho0) * static_cast<double>(m) / (M - 1) : rho0;
    if (!(rho < 1.0)) continue;
    ++decaying;
    const double start = norm(a, 0, i), half = norm(a, mid, i), end = norm(a, last, i);
    worst = std::max(worst, end / start);
    if (!(end < 1e-4 * start && end < half && half < start)) {
      std::printf("member %lld (rho %g): |y| %g -> %g -> %g does not decay to the origin\n",
                  static_cast<long long>(m), rho, start, half, end);
      ++failures;
    }
  }
  std::printf("members with rho < 1: %d, largest |y(t1)| / |y(t0)| = %.3e\n", decaying, worst);
  if (decaying == 0) {
    std::printf("no member has rho < 1: nothing to check\n");
    ++failures;
  }
  return failures == 0 ? 0 : 1;
}
