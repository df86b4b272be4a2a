// Rank (size-1) throws while the other ranks wait in a barrier: the runtime's
// terminate handler must end the whole job with a message, not hang it.
#include "pint/core/runtime.hpp"

#include <stdexcept>

int main(int argc, char** argv) {
  pint::core::Runtime runtime(argc, argv);
  if (runtime.rank() == runtime.size() - 1) {
    throw std::runtime_error("injected failure on the last rank");
  }
  MPI_Barrier(runtime.world());
  return 0;
}
