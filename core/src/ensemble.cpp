#include "pint/core/ensemble.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace pint::core {

namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

void check(const Distribution& d, const std::string& what) {
  if (!std::isfinite(d.lo) || !std::isfinite(d.hi)) {
    throw std::invalid_argument(what + ": values must be finite numbers, got " + d.describe());
  }
  if (d.kind == Distribution::Kind::uniform && !(d.lo < d.hi)) {
    throw std::invalid_argument(what + ": a random range needs lo < hi, got " + d.describe());
  }
}

}  // namespace

double Distribution::value(std::int64_t member, std::int64_t members, std::uint64_t seed,
                           std::uint64_t stream) const {
  switch (kind) {
    case Kind::constant:
      return lo;
    case Kind::linspace:
      if (members <= 1) return lo;
      if (member == members - 1) return hi;
      return lo + (hi - lo) * (static_cast<double>(member) / static_cast<double>(members - 1));
    case Kind::uniform: {
      const std::uint64_t h =
          splitmix64(splitmix64(splitmix64(seed) ^ stream) ^ static_cast<std::uint64_t>(member));
      const double u = static_cast<double>(h >> 11) * 0x1.0p-53;  // [0, 1)
      return lo + (hi - lo) * u;
    }
  }
  return lo;
}

std::string Distribution::describe() const {
  std::ostringstream os;
  os.precision(17);
  switch (kind) {
    case Kind::constant:
      os << lo;
      break;
    case Kind::linspace:
      os << "linspace(" << lo << ", " << hi << ")";
      break;
    case Kind::uniform:
      os << "random(" << lo << ", " << hi << ")";
      break;
  }
  return os.str();
}

void EnsembleSpec::validate(int num_params, int dim) const {
  if (members < 1) {
    throw std::invalid_argument("members: the ensemble needs at least 1 member, got " +
                                std::to_string(members));
  }
  if (static_cast<int>(params.size()) != num_params) {
    throw std::invalid_argument("the system takes " + std::to_string(num_params) +
                                " parameters, got " + std::to_string(params.size()));
  }
  if (!initial_state && static_cast<int>(initial.size()) != dim) {
    throw std::invalid_argument("the initial state needs " + std::to_string(dim) +
                                " components, got " + std::to_string(initial.size()));
  }
  for (int k = 0; k < num_params; ++k)
    check(params[k], "parameter " + std::to_string(k));
  if (!initial_state) {
    for (int c = 0; c < dim; ++c)
      check(initial[c], "initial component " + std::to_string(c));
  }
}

double EnsembleSpec::param(std::int64_t member, int k) const {
  return params.at(static_cast<size_t>(k)).value(member, members, seed, static_cast<unsigned>(k));
}

double EnsembleSpec::initial_value(std::int64_t member, int c) const {
  return initial.at(static_cast<size_t>(c))
      .value(member, members, seed, 1000u + static_cast<unsigned>(c));
}

}  // namespace pint::core
