#include <pint/core/build_info.hpp>
#include <pint/core/compat.hpp>
#include <pint/core/runtime.hpp>

#include <KokkosBlas1_nrm2.hpp>
#include <Kokkos_Core.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  pint::core::Runtime runtime(argc, argv);
  int status = 0;
  {
    Kokkos::View<double*> v("consumer::v", 4);
    Kokkos::deep_copy(v, 2.0);
    const double norm = KokkosBlas::nrm2(v);  // sqrt(4 * 4) = 4
    status = norm == 4.0 ? 0 : 1;
    std::printf("consumer: pint %s, Kokkos %s, nrm2 = %g\n",
                pint::core::build_info().version.c_str(),
                pint::core::build_info().kokkos_version.c_str(), norm);
  }
  return status;
}
