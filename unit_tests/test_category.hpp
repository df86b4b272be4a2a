// The backend a test binary runs on (Kokkos core's and Cabana's pattern): tests
// are written once as TEST(TEST_CATEGORY, ...) and use these spaces.
#pragma once

#include <Kokkos_Core.hpp>

#ifndef TEST_CATEGORY
#define TEST_CATEGORY default_space
#endif

namespace pint::test {
using TEST_EXECSPACE = Kokkos::DefaultExecutionSpace;
using TEST_MEMSPACE = TEST_EXECSPACE::memory_space;
}  // namespace pint::test
