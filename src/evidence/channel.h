// Channel<T>: a closable FIFO queue between the threads of a package
// pipeline.
//
// Push never blocks (the pipelines size the queue for every buffer they own,
// so it cannot overflow); Pop blocks until an item arrives or the channel is
// closed and empty. Close() wakes every waiter; items pushed before it are
// still delivered. Thread-safe.
#ifndef EVIDEX_EVIDENCE_CHANNEL_H_
#define EVIDEX_EVIDENCE_CHANNEL_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>

#include "core/status.h"

namespace evidex::evidence {

template <typename T>
class Channel {
 public:
  // Returns false (and drops `item`) if the channel is closed.
  bool Push(T item) {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return false;
      items_.push_back(std::move(item));
    }
    ready_.notify_one();
    return true;
  }

  // The next item, or nullopt once the channel is closed and empty.
  std::optional<T> Pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

  void Close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<T> items_;
  bool closed_ = false;
};

// One stage of a pipeline, run on its own thread: takes each item from its
// input, applies `work` to it and passes it on to `output`, in order. After a
// failure it stops working but still passes items on, so that the buffers
// they are go back to their owner; when its input is closed and drained it
// closes `output`.
template <typename T>
class PipelineStage {
 public:
  PipelineStage(Channel<T>& output, std::function<Status(T&)> work)
      : output_(output), work_(std::move(work)) {}

  Channel<T>& input() { return input_; }
  // The first failure; read only after Run() has returned.
  const Status& status() const { return status_; }
  // Whether `work` has failed; may be read while Run() runs.
  bool failed() const { return failed_.load(std::memory_order_acquire); }

  void Run() {
    while (std::optional<T> item = input_.Pop()) {
      if (status_.ok()) {
        status_ = work_(*item);
        if (!status_.ok()) failed_.store(true, std::memory_order_release);
      }
      output_.Push(std::move(*item));
    }
    output_.Close();
  }

 private:
  Channel<T> input_;
  Channel<T>& output_;
  std::function<Status(T&)> work_;
  Status status_;
  std::atomic<bool> failed_ = false;
};

}  // namespace evidex::evidence

#endif  // EVIDEX_EVIDENCE_CHANNEL_H_
