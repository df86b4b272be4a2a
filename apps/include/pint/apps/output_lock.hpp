// One run at a time per output directory: rank 0 holds a lock file there for
// the run's life (`.pint.lock`: pid, host and start time of the run holding it).
#pragma once

#include "usage_error.hpp"

#include <optional>
#include <string>

namespace pint::apps {

inline constexpr const char* lock_file_name = ".pint.lock";

// The run holding `dir`'s lock, as "pid 1234 on host h, since 2026-12-03 16:40:02
// UTC", or nullopt if no running process holds it (no lock file, or one left by
// a run that was killed). Changes nothing.
std::optional<std::string> lock_holder(const std::string& dir);

// Takes `dir`'s lock (the directory exists) and keeps it until
// unlock_output_directory(), or this process ends: the lock file is removed by
// unlock_output_directory() and on SIGTERM, SIGINT and SIGHUP; after a SIGKILL
// it remains, and the next run recognises it as stale (an flock() no process
// holds) and takes it over. Returns an error naming the running holder if
// another run holds it (or naming what failed); sets `note` to the stale
// holder's description when it took a stale lock over. One lock per process.
std::optional<UsageError> lock_output_directory(const std::string& dir, std::string& note);

// Removes the lock file and releases the lock, if this process holds one.
// Async-signal-safe.
void unlock_output_directory() noexcept;

}  // namespace pint::apps
