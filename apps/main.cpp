// `pint`: the command for pint's own systems.
#include "pint/apps/cli.hpp"

int main(int argc, char** argv) {
  return pint::apps::cli_main(argc, argv);
}
