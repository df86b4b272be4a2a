#include "impl/worker.hpp"

#include <utility>

namespace pint::io::Impl {

Worker::Worker(bool background) {
  if (background) thread_ = std::thread([this] { loop(); });
}

Worker::~Worker() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Worker::execute(Task& task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (error_ && !task.even_after_failure) return;
  }
  try {
    task.run();
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = std::current_exception();
  }
}

void Worker::submit(std::function<void()> task, bool even_after_failure) {
  Task t{std::move(task), even_after_failure};
  if (!thread_.joinable()) {
    execute(t);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(t));
  }
  wake_.notify_one();
}

void Worker::wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

std::exception_ptr Worker::error() {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

void Worker::clear_error() {
  std::lock_guard<std::mutex> lock(mutex_);
  error_ = nullptr;
}

void Worker::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    Task task = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    execute(task);
    lock.lock();
    busy_ = false;
    if (queue_.empty()) done_.notify_all();
  }
}

}  // namespace pint::io::Impl
