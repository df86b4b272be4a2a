// A background thread that runs tasks in submission order (or, when not in
// the background, runs each task at once on the caller's thread). The first
// exception a task throws is kept; later tasks are skipped unless submitted to
// run even after a failure, until clear_error().
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace pint::io::Impl {

class Worker {
 public:
  explicit Worker(bool background);
  // Runs what is pending, then stops the thread.
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  bool background() const noexcept { return thread_.joinable(); }
  void submit(std::function<void()> task, bool even_after_failure = false);
  // Blocks until every task submitted so far has run (or been skipped).
  void wait();
  // The first failure since the last clear_error(), or null.
  std::exception_ptr error();
  void clear_error();

 private:
  struct Task {
    std::function<void()> run;
    bool even_after_failure;
  };
  void execute(Task& task);
  void loop();

  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::deque<Task> queue_;
  bool busy_ = false;
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace pint::io::Impl
