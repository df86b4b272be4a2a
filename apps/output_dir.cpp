#include "output_dir.hpp"

#include "output_lock.hpp"
#include "pint/io/file_names.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <system_error>

namespace pint::apps {

namespace fs = std::filesystem;

bool is_pint_file(const std::string& name) {
  static const std::set<std::string> names = {config_file_name,
                                              "run.json",
                                              "run.h5",
                                              "trajectory.h5",
                                              "trajectory.png",
                                              "convergence.png",
                                              "trajectory-combined.h5",
                                              "galaxy.h5",
                                              "galaxy.gif",
                                              lock_file_name};
  static const std::regex fine("fine-[0-9]{4,}--?[0-9]{1,}--?[0-9]{1,}\\.h5");
  std::string base = name;
  const std::string suffix = ".partial";
  if (base.size() > 1 + suffix.size() && base[0] == '.' &&
      base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0) {
    base = base.substr(1, base.size() - 1 - suffix.size());
  }
  return names.count(base) > 0 || std::regex_match(base, fine);
}

namespace {

std::string quoted(const fs::path& p) {
  return "'" + p.string() + "'";
}

bool writable(const fs::path& dir) {
  return ::access(dir.c_str(), W_OK | X_OK) == 0;
}

// The first key (a/b/c) whose value differs between `a` and `b`, with both values.
std::optional<std::string> first_difference(const nlohmann::json& a, const nlohmann::json& b,
                                            const std::string& prefix = "") {
  if (a.is_object() && b.is_object()) {
    std::set<std::string> keys;
    for (const auto& [k, v] : a.items())
      keys.insert(k);
    for (const auto& [k, v] : b.items())
      keys.insert(k);
    for (const auto& k : keys) {
      const nlohmann::json none;
      const auto d = first_difference(a.contains(k) ? a[k] : none, b.contains(k) ? b[k] : none,
                                      prefix.empty() ? k : prefix + "." + k);
      if (d) return d;
    }
    return std::nullopt;
  }
  if (a == b) return std::nullopt;
  return prefix + " is " + (a.is_null() ? "absent" : a.dump()) + " there and " +
         (b.is_null() ? "absent" : b.dump()) + " here";
}

std::optional<UsageError> check_resume(const fs::path& dir, const std::vector<fs::path>& entries,
                                       const nlohmann::json& problem) {
  for (const auto& e : entries) {
    if (!is_pint_file(e.filename().string()) || fs::is_directory(e)) {
      return UsageError("--resume", quoted(dir) + " holds files pint did not write (" +
                                        quoted(e.filename()) +
                                        "); give the directory of an interrupted pint run");
    }
  }
  const fs::path stored = dir / config_file_name;
  if (!fs::exists(stored)) {
    return UsageError("--resume", quoted(dir) + " has no " + config_file_name +
                                      ", so it is not a run pint can continue; use --overwrite "
                                      "or another --output");
  }
  nlohmann::json j;
  try {
    std::ifstream in(stored);
    j = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    return UsageError("--resume", quoted(stored) + " cannot be read (" + e.what() +
                                      "); use --overwrite or another --output");
  }
  const auto diff = first_difference(j.value("problem", nlohmann::json()), problem);
  if (diff) {
    return UsageError("--resume", quoted(dir) + " holds a run of another configuration (" + *diff +
                                      "); resume with the same settings, or use --overwrite or "
                                      "another --output");
  }
  return std::nullopt;
}

}  // namespace

std::optional<UsageError> check_output_directory(const RunConfig& cfg,
                                                 const nlohmann::json& problem) {
  const fs::path dir(cfg.output);
  std::error_code ec;
  const auto status = fs::status(dir, ec);
  if (fs::exists(status)) {
    if (!fs::is_directory(status)) {
      return UsageError("--output", quoted(dir) + " exists and is not a directory");
    }
    if (!writable(dir)) {
      return UsageError("--output", quoted(dir) + " is not writable (" + std::strerror(errno) +
                                        "); choose a directory you can write");
    }
    if (const auto holder = lock_holder(dir.string())) {
      return UsageError("--output", quoted(dir) + " is in use by another pint run (" + *holder +
                                        "); wait for it to end or stop it, or choose another "
                                        "--output");
    }
    // A lock file left by a killed run does not count: the lock is taken over.
    std::vector<fs::path> entries;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().filename() != lock_file_name) entries.push_back(it->path());
    }
    if (ec) return UsageError("--output", "cannot list " + quoted(dir) + ": " + ec.message());
    if (entries.empty() || cfg.invocation.overwrite) return std::nullopt;
    if (cfg.invocation.resume) return check_resume(dir, entries, problem);
    const std::string count =
        std::to_string(entries.size()) + (entries.size() == 1 ? " entry" : " entries");
    return UsageError("--output", quoted(dir) + " is not empty (" + count + ", e.g. " +
                                      quoted(entries.front().filename()) +
                                      "); use --overwrite to replace pint's files there, --resume "
                                      "to continue the run it holds, or another directory");
  }
  // The nearest existing ancestor must be a directory we may write.
  fs::path ancestor = dir.parent_path();
  while (!ancestor.empty() && !fs::exists(ancestor, ec))
    ancestor = ancestor.parent_path();
  if (ancestor.empty()) ancestor = ".";
  if (!fs::is_directory(ancestor, ec)) {
    return UsageError("--output", "cannot create " + quoted(dir) + ": " + quoted(ancestor) +
                                      " is not a directory");
  }
  if (!writable(ancestor)) {
    return UsageError("--output", "cannot create " + quoted(dir) + ": " + quoted(ancestor) +
                                      " is not writable (" + std::strerror(errno) + ")");
  }
  return std::nullopt;
}

std::optional<UsageError> check_output_size(const RunConfig& cfg) {
  if (cfg.output_chosen || cfg.large_output) return std::nullopt;
  const OutputSize size = output_size(cfg);
  // The free space where the directory is (or will be created).
  std::error_code ec;
  fs::path where(cfg.output);
  while (!where.empty() && !fs::exists(where, ec))
    where = where.parent_path();
  if (where.empty()) where = ".";
  const auto space = fs::space(where, ec);
  const std::int64_t gib = std::int64_t{1} << 30;
  // A file system that reports no capacity (or an error) does not limit it.
  const std::int64_t free_tenth =
      ec || space.capacity == 0
          ? gib
          : static_cast<std::int64_t>(std::min<std::uintmax_t>(space.available / 10, gib));
  const std::int64_t limit = std::min(gib, free_tenth);
  if (size.total <= limit) return std::nullopt;
  // What the options would make of it.
  RunConfig every = cfg;
  std::int64_t m = 10;  // the first power of ten that writes a tenth of the limit at most
  for (every.save_every = m; m < 1000000 && output_size(every).slices > limit / 10;
       every.save_every = m)
    m *= 10;
  RunConfig fewer = cfg;
  const std::int64_t stride = std::max<std::int64_t>(1, cfg.members / 100);
  fewer.saved_members.clear();
  for (std::int64_t i = 0; i < cfg.members; i += stride)
    fewer.saved_members.push_back(i);
  RunConfig none = cfg;
  none.saved_members.clear();
  const std::string slice = size.slice_min == size.slice_max
                                ? bytes_text(static_cast<double>(size.slice_max)) + " each"
                                : bytes_text(static_cast<double>(size.slice_min)) + " to " +
                                      bytes_text(static_cast<double>(size.slice_max));
  return UsageError(
      "--large-output",
      "not given, and the run would write " + std::to_string(size.total) + " bytes (" +
          bytes_text(static_cast<double>(size.total)) + ": " + std::to_string(size.files) +
          " per-slice files of " + slice + ", run.h5 " +
          bytes_text(static_cast<double>(size.run_file)) + "), above the limit of " +
          bytes_text(static_cast<double>(limit)) +
          " (1 GiB or a tenth of the free disk, the smaller); write less with --save-every " +
          std::to_string(m) + " (" + bytes_text(static_cast<double>(output_size(every).total)) +
          ") or --save-members 0:" + std::to_string(cfg.members) + ":" + std::to_string(stride) +
          " (" + bytes_text(static_cast<double>(output_size(fewer).total)) +
          ") or --save-members none (run.h5 only, " +
          bytes_text(static_cast<double>(output_size(none).total)) +
          "), or give --large-output to write it all");
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string partial = io::partial_path(path);
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      std::error_code ec;
      fs::remove(partial, ec);
      throw std::runtime_error("cannot write " + partial + ": " + std::strerror(errno));
    }
  }
  std::error_code ec;
  fs::rename(partial, path, ec);
  if (ec) {
    fs::remove(partial, ec);
    throw std::runtime_error("cannot rename " + partial + " to " + path + ": " + ec.message());
  }
}

std::optional<UsageError> prepare_output_directory(const RunConfig& cfg,
                                                   const nlohmann::json& config) {
  const fs::path dir(cfg.output);
  std::error_code ec;
  // The directories this creates, outermost first, to take back on failure.
  std::vector<fs::path> created;
  for (fs::path p = dir; !p.empty() && !fs::exists(p, ec); p = p.parent_path())
    created.insert(created.begin(), p);
  const auto undo = [&] {
    for (auto it = created.rbegin(); it != created.rend(); ++it)
      fs::remove(*it, ec);
  };
  for (const auto& p : created) {
    if (!fs::create_directory(p, ec) && ec) {
      const std::string why = ec.message();
      undo();
      return UsageError("--output", "cannot create " + quoted(p) + ": " + why);
    }
  }
  // The lock first: nothing is written or removed while another run holds it.
  std::string stale;
  if (auto error = lock_output_directory(dir.string(), stale)) {
    undo();
    return error;
  }
  if (!stale.empty()) {
    std::fprintf(stderr,
                 "pint: note: %s was locked by a pint run that no longer runs (%s); taking its "
                 "lock over\n",
                 quoted(dir).c_str(), stale.c_str());
  }
  const fs::path stored = dir / config_file_name;
  if (!(cfg.invocation.resume && fs::exists(stored, ec))) {
    try {
      write_file_atomically(stored.string(), config.dump(2) + "\n");
    } catch (const std::exception& e) {
      unlock_output_directory();
      undo();
      return UsageError("--output",
                        std::string("cannot write in ") + quoted(dir) + ": " + e.what());
    }
  }
  if (cfg.invocation.overwrite || cfg.invocation.resume) {
    std::vector<fs::path> stale;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (!is_pint_file(name) || name == config_file_name || name == lock_file_name) continue;
      if (cfg.invocation.overwrite || name[0] == '.') stale.push_back(it->path());
    }
    for (const auto& p : stale)
      fs::remove(p, ec);
  }
  return std::nullopt;
}

}  // namespace pint::apps
