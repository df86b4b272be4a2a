#include "pint/io/file_names.hpp"

#include "pint/core/compat.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>

namespace pint::io {

namespace {

// t in thousandths, truncated toward zero like Python's int(t * 1000).
long long thousandths(double t, const char* which) {
  const double scaled = t * 1000.0;
  if (!std::isfinite(scaled) || std::fabs(scaled) >= 9.0e18) {
    std::ostringstream os;
    os << "pint::io: the slice time " << which << " = " << t
       << " cannot name a file; give finite times below 9e15 in magnitude";
    throw std::invalid_argument(os.str());
  }
  return static_cast<long long>(scaled);
}

}  // namespace

std::string fine_file_name(int iteration, double t0, double t1) {
  if (iteration < 0) {
    throw std::invalid_argument("pint::io: iteration " + std::to_string(iteration) +
                                " cannot name a file; iterations count from 0");
  }
  char name[96];
  std::snprintf(name, sizeof(name), "fine-%04d-%06lld-%06lld.h5", iteration, thousandths(t0, "t0"),
                thousandths(t1, "t1"));
  return name;
}

std::string partial_path(const std::string& path) {
  const std::filesystem::path p(path);
  return (p.parent_path() / ("." + p.filename().string() + ".partial")).string();
}

void check_unique_file_names(const std::vector<double>& boundaries) {
  ScopedRegion region("pint::io::check_unique_file_names");
  std::map<std::string, std::size_t> first_slice_of;
  for (std::size_t n = 0; n + 1 < boundaries.size(); ++n) {
    const std::string name = fine_file_name(0, boundaries[n], boundaries[n + 1]);
    const auto [it, inserted] = first_slice_of.emplace(name, n);
    if (!inserted) {
      const std::size_t m = it->second;
      std::ostringstream os;
      os.precision(17);
      os << "pint::io: slices " << m << " [" << boundaries[m] << ", " << boundaries[m + 1]
         << "] and " << n << " [" << boundaries[n] << ", " << boundaries[n + 1]
         << "] would both write " << name
         << " (file names hold slice times in thousandths, truncated). Use fewer slices or a "
            "longer time span, so that slice boundaries differ by at least 0.001";
      throw std::invalid_argument(os.str());
    }
  }
}

int remove_older_iterations(const std::string& directory, int iteration, double t0, double t1) {
  ScopedRegion region("pint::io::remove_older_iterations");
  int removed = 0;
  for (int k = 0; k < iteration; ++k) {
    std::error_code ec;
    if (std::filesystem::remove(std::filesystem::path(directory) / fine_file_name(k, t0, t1), ec)) {
      ++removed;
    }
  }
  return removed;
}

}  // namespace pint::io
