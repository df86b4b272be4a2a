#include "output_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <sstream>

namespace pint::apps {

namespace {

namespace fs = std::filesystem;

// The lock this process holds: its path (a fixed buffer, for the signal
// handler), its descriptor, and the signal actions it replaced.
char g_path[PATH_MAX] = {};
int g_fd = -1;
volatile std::sig_atomic_t g_held = 0;
const int g_signals[] = {SIGTERM, SIGINT, SIGHUP};
struct sigaction g_previous[3];
bool g_replaced[3] = {};

struct Holder {
  long pid = 0;
  std::string host, since;
};

std::string host_name() {
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  return host;
}

std::string now_text() {
  const std::time_t t = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&t, &utc);
  char text[40] = {};
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S UTC", &utc);
  return text;
}

Holder read_holder(int fd) {
  std::string text;
  char buffer[512];
  for (off_t at = 0;;) {
    const ssize_t n = ::pread(fd, buffer, sizeof(buffer), at);
    if (n <= 0 || text.size() > 4096) break;
    text.append(buffer, static_cast<size_t>(n));
    at += n;
  }
  Holder h;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "pid") h.pid = std::atol(value.c_str());
    if (key == "host") h.host = value;
    if (key == "since") h.since = value;
  }
  return h;
}

std::string describe(const Holder& h) {
  return "pid " + (h.pid > 0 ? std::to_string(h.pid) : std::string("?")) + " on host " +
         (h.host.empty() ? std::string("?") : h.host) + ", since " +
         (h.since.empty() ? std::string("?") : h.since);
}

// File systems without flock() (some NFS and Lustre mounts).
bool no_flock(int error) {
  return error == ENOLCK || error == ENOSYS || error == EOPNOTSUPP || error == EINVAL;
}

// Without flock(): a holder on this host runs if its pid does; one on another
// host is taken to run (pint cannot look).
bool still_runs(const Holder& h) {
  if (h.pid <= 0) return false;
  if (h.host != host_name()) return true;
  return ::kill(static_cast<pid_t>(h.pid), 0) == 0 || errno == EPERM;
}

UsageError in_use(const fs::path& dir, const Holder& h, const std::string& extra = "") {
  return UsageError("--output", "'" + dir.string() + "' is in use by another pint run (" +
                                    describe(h) + ")" + extra +
                                    "; wait for it to end or stop it, or choose another --output");
}

void on_signal(int signal) {
  unlock_output_directory();  // restores the previous actions
  std::raise(signal);
}

void install_handlers() {
  for (int i = 0; i < 3; ++i) {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    g_replaced[i] = ::sigaction(g_signals[i], &action, &g_previous[i]) == 0;
    // A signal the process ignores (nohup) stays ignored.
    if (g_replaced[i] && g_previous[i].sa_handler == SIG_IGN) {
      ::sigaction(g_signals[i], &g_previous[i], nullptr);
      g_replaced[i] = false;
    }
  }
}

}  // namespace

std::optional<std::string> lock_holder(const std::string& dir) {
  const fs::path path = fs::path(dir) / lock_file_name;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::optional<std::string> holder;
  if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
    ::flock(fd, LOCK_UN);
  } else if (errno == EWOULDBLOCK) {
    holder = describe(read_holder(fd));
  } else if (no_flock(errno)) {
    const Holder h = read_holder(fd);
    if (still_runs(h)) holder = describe(h);
  }
  ::close(fd);
  return holder;
}

std::optional<UsageError> lock_output_directory(const std::string& dir, std::string& note) {
  const fs::path path = fs::path(dir) / lock_file_name;
  if (path.string().size() >= sizeof(g_path)) {
    return UsageError("--output", "the path '" + dir + "' is too long; choose a shorter one");
  }
  const std::string mine = "pid=" + std::to_string(::getpid()) + "\nhost=" + host_name() +
                           "\nsince=" + now_text() + "\n";
  // A run that ends removes its lock file, possibly after this opened it: the
  // lock is ours once the file it locked is still the one at `path`.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      return UsageError("--output", "cannot create the lock file '" + path.string() +
                                        "': " + std::strerror(errno) +
                                        "; choose a directory you can write");
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      const Holder h = read_holder(fd);
      if (error == EWOULDBLOCK) {
        ::close(fd);
        return in_use(path.parent_path(), h);
      }
      if (!no_flock(error)) {
        ::close(fd);
        return UsageError("--output", "cannot lock '" + path.string() + "': " +
                                          std::strerror(error) + "; choose another --output");
      }
      if (still_runs(h)) {  // no flock() here: the recorded pid decides
        ::close(fd);
        return in_use(path.parent_path(), h,
                      " (this file system has no flock(); if that run has ended, remove '" +
                          path.string() + "')");
      }
    }
    struct stat locked {
    }, named{};
    if (::fstat(fd, &locked) != 0 || ::stat(path.c_str(), &named) != 0 ||
        locked.st_ino != named.st_ino || locked.st_dev != named.st_dev) {
      ::close(fd);
      continue;
    }
    const Holder stale = read_holder(fd);
    if (stale.pid > 0 || !stale.host.empty()) note = describe(stale);
    if (::ftruncate(fd, 0) != 0 ||
        ::pwrite(fd, mine.data(), mine.size(), 0) != static_cast<ssize_t>(mine.size())) {
      const int error = errno;
      ::unlink(path.c_str());
      ::close(fd);
      return UsageError("--output", "cannot write the lock file '" + path.string() +
                                        "': " + std::strerror(error) +
                                        "; choose a directory you can write");
    }
    std::strcpy(g_path, path.c_str());
    g_fd = fd;
    g_held = 1;
    install_handlers();
    return std::nullopt;
  }
  return UsageError("--output", "cannot lock '" + path.string() +
                                    "': other runs keep taking and releasing it; run again");
}

void unlock_output_directory() noexcept {
  if (!g_held) return;
  g_held = 0;
  ::unlink(g_path);
  ::close(g_fd);
  g_fd = -1;
  for (int i = 0; i < 3; ++i) {
    if (g_replaced[i]) ::sigaction(g_signals[i], &g_previous[i], nullptr);
    g_replaced[i] = false;
  }
}

}  // namespace pint::apps
