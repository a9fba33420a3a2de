// Channel<T>: a closable FIFO queue between the threads of a package
// pipeline.
//
// Push never blocks (the pipelines size the queue for every buffer they own,
// so it cannot overflow); Pop blocks until an item arrives or the channel is
// closed and empty. Close() wakes every waiter; items pushed before it are
// still delivered. Thread-safe.
#ifndef EVIDEX_EVIDENCE_CHANNEL_H_
#define EVIDEX_EVIDENCE_CHANNEL_H_

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

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

}  // namespace evidex::evidence

#endif  // EVIDEX_EVIDENCE_CHANNEL_H_
