#include "node/access_recorder.h"

#include <algorithm>
#include <iterator>

namespace evidex::node {

AccessRecorder::AccessRecorder(store::Store& store)
    : store_(store), thread_([this] { Run(); }) {}

AccessRecorder::~AccessRecorder() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void AccessRecorder::Record(store::AccessRecord record,
                            std::function<void(Status)> done) {
  bool was_empty;
  {
    std::lock_guard lock(mu_);
    was_empty = queue_.empty();
    queue_.emplace_back(std::move(record), std::move(done));
  }
  // The thread sleeps only when the queue is empty.
  if (was_empty) wake_.notify_one();
}

void AccessRecorder::Run() {
  std::vector<Entry> batch;
  while (true) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is recorded
      if (queue_.size() <= kMaxBatch) {
        batch.swap(queue_);
      } else {
        auto end = queue_.begin() + kMaxBatch;
        batch.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(end));
        queue_.erase(queue_.begin(), end);
      }
    }
    WriteBatch(batch);
    batch.clear();
  }
}

void AccessRecorder::WriteBatch(std::vector<Entry>& batch) {
  Status all = store_.Write([&](store::Transaction& txn) -> Status {
    for (const Entry& e : batch) {
      EVIDEX_RETURN_IF_ERROR(txn.RecordAccess(e.first));
    }
    return OkStatus();
  });
  if (all.ok() || batch.size() == 1) {
    for (Entry& e : batch) e.second(all);
    return;
  }
  for (Entry& e : batch) {
    e.second(store_.Write(
        [&](store::Transaction& txn) { return txn.RecordAccess(e.first); }));
  }
}

}  // namespace evidex::node
