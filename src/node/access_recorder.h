// Records reads of case data (who, what, when, why: CETS 224 Art. 14(8)) in
// batches, durably, without holding a thread per read.
//
// Record() queues a record and returns at once. One thread of the recorder
// writes what is queued in one transaction of the store's group commit, then
// calls each record's `done`: OK once the record is durable, or the error that
// kept it from being stored (a failed batch is retried record by record, so
// one bad record fails alone). Handlers answer only after `done` says OK
// (through api::Response::before_send): no case data leaves before its access
// record is durable.
//
// Thread-safe. The destructor records everything queued, then stops.
#ifndef EVIDEX_NODE_ACCESS_RECORDER_H_
#define EVIDEX_NODE_ACCESS_RECORDER_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace evidex::node {

class AccessRecorder {
 public:
  explicit AccessRecorder(store::Store& store);
  ~AccessRecorder();
  AccessRecorder(const AccessRecorder&) = delete;
  AccessRecorder& operator=(const AccessRecorder&) = delete;

  // Queues `record`; `done` is called once, on the recorder's thread.
  void Record(store::AccessRecord record, std::function<void(Status)> done);

 private:
  using Entry = std::pair<store::AccessRecord, std::function<void(Status)>>;
  void Run();
  void WriteBatch(std::vector<Entry>& batch);

  // The most records written in one transaction.
  static constexpr std::size_t kMaxBatch = 4096;

  store::Store& store_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<Entry> queue_;  // guarded by mu_
  bool stopping_ = false;     // guarded by mu_
  std::thread thread_;        // last: started once the rest is ready
};

}  // namespace evidex::node

#endif  // EVIDEX_NODE_ACCESS_RECORDER_H_
