#include "commands.hpp"

#include "collective.hpp"
#include "config.hpp"
#include "info.hpp"
#include "output_dir.hpp"
#include "output_lock.hpp"
#include "pint/core/build_info.hpp"
#include "pint/io/stitch.hpp"
#include "run.hpp"
#include "usage_error.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>

namespace pint::apps {

namespace fs = std::filesystem;

namespace {

// Rank 0 reads the file; every rank gets its text.
std::string read_config_text(MPI_Comm comm, const std::string& path) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string text;
  std::optional<UsageError> error;
  if (rank == 0) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream os;
    if (in) os << in.rdbuf();
    if (!in || fs::is_directory(path)) {
      error = UsageError("--config", "cannot read '" + path + "': " + std::strerror(errno));
    }
    text = os.str();
  }
  throw_if_error_on_root(comm, error);
  return broadcast_string(comm, text);
}

}  // namespace

int run_command(core::Runtime& rt, const RunFlags& flags, const std::string& command_line) {
  Invocation inv;
  inv.overwrite = flags.overwrite;
  inv.resume = flags.resume;
  inv.quiet = flags.quiet;
  inv.plots = !flags.no_plots;
  inv.config_file = flags.config;
  inv.ranks = rt.size();
  {
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    std::int64_t memory = pages > 0 && page > 0 ? std::int64_t{pages} * page : 0;
    if (memory <= 0) memory = std::numeric_limits<std::int64_t>::max();  // unknown anywhere
    MPI_Allreduce(MPI_IN_PLACE, &memory, 1, MPI_INT64_T, MPI_MIN, rt.world());
    inv.node_memory = memory == std::numeric_limits<std::int64_t>::max() ? 0 : memory;
  }
  RawConfig file;
  if (!flags.config.empty()) {
    file = parse_config_file(read_config_text(rt.world(), flags.config), flags.config);
  }
  const RunConfig cfg = resolve(merge(file, command_line_values(flags)), inv);
  const nlohmann::json problem = problem_json(cfg);
  const bool root = rt.rank() == 0;
  std::optional<UsageError> error;
  if (root) error = check_output_directory(cfg, problem);
  if (root && !error) error = check_output_size(cfg);
  throw_if_error_on_root(rt.world(), error);
  // Rank 0 holds the output directory's lock from prepare_output_directory() to
  // the end of the run, however it ends (failure.hpp releases it on errors).
  struct Unlock {
    ~Unlock() { unlock_output_directory(); }
  } unlock;
  if (root) {
    const nlohmann::json stored = {
        {"pint", core::build_info().version}, {"command", command_line}, {"problem", problem}};
    error = prepare_output_directory(cfg, stored);
  }
  throw_if_error_on_root(rt.world(), error);
  return run(rt, cfg, command_line);
}

void add_combine_options(CLI::App& combine, CombineFlags& flags) {
  combine.add_option("DIR", flags.directory, "Output directory of a finished run")->required();
  combine
      .add_option("-o,--output", flags.output,
                  "File to write [default: DIR/trajectory-combined.h5]")
      ->type_name("FILE");
  combine
      .add_option("--compression", flags.compression, "gzip level of the data, 0-9 [default: 0]")
      ->type_name("L");
  combine.add_flag("--overwrite", flags.overwrite, "Replace the output file if it exists");
}

int combine_command(core::Runtime& rt, const CombineFlags& flags) {
  const bool root = rt.rank() == 0;
  const std::string input = (fs::path(flags.directory) / "trajectory.h5").string();
  const std::string output = flags.output.empty()
                                 ? (fs::path(flags.directory) / "trajectory-combined.h5").string()
                                 : flags.output;
  std::optional<UsageError> error;
  std::string failure;
  if (root) {
    int level = -1;
    std::istringstream in(flags.compression);
    in >> level;
    if (!in || !in.eof() || level < 0 || level > 9) {
      error =
          UsageError("--compression", "expected a gzip level 0-9, got '" + flags.compression + "'");
    } else if (!fs::is_regular_file(input)) {
      error = UsageError("DIR", "'" + flags.directory +
                                    "' holds no trajectory.h5; give the output directory of a "
                                    "finished pint run");
    } else if (fs::exists(output) && !flags.overwrite) {
      error = UsageError("--output", "'" + output + "' exists; use --overwrite to replace it");
    } else {
      try {
        io::combine(input, output, level);
        std::printf("wrote %s\n", output.c_str());
      } catch (const std::invalid_argument& e) {
        error = UsageError("DIR", e.what());
      } catch (const std::exception& e) {
        failure = e.what();
      }
    }
  }
  throw_if_error_on_root(rt.world(), error);
  failure = broadcast_string(rt.world(), failure);
  if (!failure.empty()) {
    if (root) std::fprintf(stderr, "pint: combine failed: %s\n", failure.c_str());
    return 1;
  }
  return 0;
}

int info_command(core::Runtime& rt, bool json) {
  const nlohmann::json j = info_json(rt);  // collective
  if (rt.rank() == 0) {
    if (json) {
      std::cout << j.dump(2) << "\n";
    } else {
      print_info_text(j);
    }
  }
  return 0;
}

}  // namespace pint::apps
