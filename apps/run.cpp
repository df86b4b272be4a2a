#include "run.hpp"

#include "system_list.hpp"

namespace pint::apps {

int run(core::Runtime& runtime, const RunConfig& cfg, const std::string& command_line) {
  return find_system(cfg.system, "--system").run(runtime, cfg, command_line);
}

}  // namespace pint::apps
