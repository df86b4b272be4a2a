#include "failure.hpp"

#include "output_lock.hpp"
#include "pint/io/error.hpp"

#include <mpi.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace pint::apps {

namespace {

bool g_verbose = false;

bool starts_with(const std::string& text, const char* prefix) {
  return text.rfind(prefix, 0) == 0;
}

// ".fine-0001-000000-001000.h5.partial" -> "fine-0001-000000-001000.h5": the
// name the file has once complete, the one users know.
std::string final_name(const std::string& path) {
  const std::filesystem::path p(path);
  std::string name = p.filename().string();
  const std::string suffix = ".partial";
  if (name.size() > 1 + suffix.size() && name[0] == '.' &&
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    name = name.substr(1, name.size() - 1 - suffix.size());
  }
  return (p.parent_path() / name).string();
}

// Whether the file system holding `path` has (next to) no room left: MPI-IO
// reports a full disk without the OS error.
bool disk_full(const std::string& path) {
  struct statvfs fs {};
  const std::string dir = std::filesystem::path(path).parent_path().string();
  if (::statvfs(dir.empty() ? "." : dir.c_str(), &fs) != 0 || fs.f_blocks == 0) return false;
  return static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize) < 65536.0;
}

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

int world_rank(int* size) {
  int initialized = 0, finalized = 0, rank = 0;
  *size = 1;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized) {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
  }
  return rank;
}

[[noreturn]] void end_job() {
  std::string text = "pint: error: terminated without an active exception";
  int size = 1;
  const int rank = world_rank(&size);
  if (auto error = std::current_exception()) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      text = failure_text(e, g_verbose, rank, size);
    } catch (...) {
      text = "pint: error: an unknown exception; please report it";
    }
  }
  unlock_output_directory();
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  // One process (no launcher): MPI_Abort would only add Open MPI's notices.
  if (initialized && !finalized && size > 1) MPI_Abort(MPI_COMM_WORLD, 1);
  std::_Exit(1);
}

}  // namespace

std::string failure_text(const std::exception& e, bool verbose, int rank, int ranks) {
  const std::string where = ranks > 1 ? "on rank " + std::to_string(rank) + ": " : "";
  const std::string resume =
      "run the same command with --resume to continue from the complete files";
  const auto* h5 = dynamic_cast<const io::Hdf5Error*>(&e);
  if (h5 == nullptr) {
    return "pint: error: " + one_line(e.what()) + (ranks > 1 ? " (" + where + ")" : "") +
           "; fix the cause, then " + resume;
  }
  const std::string& op = h5->operation();
  const bool reading = starts_with(op, "read") || starts_with(op, "open");
  int os = h5->os_error();
  std::string reason = h5->reason();
  if (os == 0 && !reading && disk_full(h5->file())) {
    os = ENOSPC;
    reason = std::strerror(ENOSPC) + std::string(" (that disk is full; HDF5 says: ") + reason + ")";
  }
  std::string text = "pint: error: " + std::string(reading ? "reading " : "writing ") +
                     final_name(h5->file()) + ": " + reason + " (" + where + "cannot " + op + "); ";
  if (os == ENOSPC || os == EDQUOT) {
    text += "make room on that disk (or copy the directory to a larger one), then " + resume;
  } else {
    text += "check that the directory is writable and has space, then " + resume;
  }
  if (!verbose) return text + " (--verbose: HDF5's error stack)";
  text += "\npint: HDF5's error stack, outermost first:";
  const std::string& stack = h5->detail();
  for (size_t begin = 0; begin <= stack.size();) {
    size_t end = stack.find("; ", begin);
    if (end == std::string::npos) end = stack.size();
    text += "\n  " + one_line(stack.substr(begin, end - begin));
    begin = end + 2;
  }
  return text;
}

void install_failure_handler(bool verbose) {
  g_verbose = verbose;
  std::set_terminate(end_job);
}

}  // namespace pint::apps
