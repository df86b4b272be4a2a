#include <pint/core/build_info.hpp>
#include <pint/core/compat.hpp>
#include <pint/core/runtime.hpp>
#include <pint/io/file_names.hpp>

#include <KokkosBlas1_nrm2.hpp>
#include <Kokkos_Core.hpp>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  pint::core::Runtime runtime(argc, argv);
  int status = 0;
  {
    Kokkos::View<double*> v("consumer::v", 4);
    Kokkos::deep_copy(v, 2.0);
    const double norm = KokkosBlas::nrm2(v);  // sqrt(4 * 4) = 4
    const std::string name = pint::io::fine_file_name(3, 0.5, 1.25);
    status = norm == 4.0 && name == "fine-0003-000500-001250.h5" ? 0 : 1;
    std::printf("consumer: pint %s, Kokkos %s, nrm2 = %g, %s\n",
                pint::core::build_info().version.c_str(),
                pint::core::build_info().kokkos_version.c_str(), norm, name.c_str());
  }
  return status;
}
