// A user's system with one required member missing (PINT_BAD_SYSTEM_CASE
// chooses which): compiling its pint command must fail with one message naming
// the member. Built only by the test apps_bad_system_*.
#include <pint/apps/cli.hpp>
#include <pint/apps/system_entry.hpp>

struct Incomplete {
#if PINT_BAD_SYSTEM_CASE != 1
  static constexpr int dim = 2;
#endif
  static constexpr int num_params = 1;
  static constexpr int num_coefs = 1;
  static const char* name() {
    return "incomplete";
  }
  static const char* param_name(int) {
    return "a";
  }
  static const char* state_name(int i) {
    return i == 0 ? "x" : "v";
  }
  KOKKOS_INLINE_FUNCTION static pint::core::Vec<1> coefficients(const pint::core::Vec<1>& p) {
    return p;
  }
#if PINT_BAD_SYSTEM_CASE != 2
  KOKKOS_INLINE_FUNCTION static pint::core::Vec<2> rhs(const pint::core::Vec<1>& c, double,
                                                       const pint::core::Vec<2>& y) {
    return {{y[1], -c[0] * y[0]}};
  }
#endif
};

int main(int argc, char** argv) {
  return pint::apps::cli_main(argc, argv, {pint::apps::system_entry<Incomplete>()});
}
