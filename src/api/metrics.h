// Metrics in the Prometheus text exposition format (version 0.0.4), served at
// /metrics.
//
// Counters and histograms with fixed label sets, registered before serving and
// then updated from any thread (atomics; no locks on the hot path). The Debian
// archive has no prometheus-cpp for bookworm, so this small registry of our own
// writes the format directly.
#ifndef EVIDEX_API_METRICS_H_
#define EVIDEX_API_METRICS_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace evidex::api {

class Counter {
 public:
  void Add(std::uint64_t n = 1) {
    value_.fetch_add(n, std::memory_order_relaxed);
  }
  std::uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double v);

 private:
  friend class Metrics;
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]>
      buckets_;  // one per bound, plus +Inf
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micros_{
      0};  // sum in millionths, to stay integral
};

class Metrics {
 public:
  // Returns the counter for (name, labels), creating it on first use. `labels`
  // is the rendered label set, e.g. `method="GET",status="200"` (empty for
  // none). The reference stays valid.
  Counter& GetCounter(std::string_view name, std::string_view help,
                      std::string_view labels = "");
  Histogram& GetHistogram(std::string_view name, std::string_view help,
                          std::vector<double> upper_bounds);

  // The whole registry in the text format.
  std::string Render() const;

 private:
  struct CounterEntry {
    std::string name, help, labels;
    Counter counter;
  };
  struct HistogramEntry {
    std::string name, help;
    std::unique_ptr<Histogram> histogram;
  };
  mutable std::mutex mu_;
  std::deque<CounterEntry> counters_;
  std::deque<HistogramEntry> histograms_;
};

}  // namespace evidex::api

#endif  // EVIDEX_API_METRICS_H_
