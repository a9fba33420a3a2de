// Metrics of the node, kept by prometheus-cpp and served at /metrics in the
// Prometheus text exposition format.
//
// Families are created on first use of their name; each (name, labels) pair is
// one time series. Counters and histograms are updated from any thread.
#ifndef EVIDEX_API_METRICS_H_
#define EVIDEX_API_METRICS_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/labels.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace evidex::api {

class Metrics {
 public:
  Metrics();

  // The counter `name` with `labels`, created on first use. The reference stays
  // valid as long as this registry. Thread-safe.
  prometheus::Counter& GetCounter(std::string_view name, std::string_view help,
                                  const prometheus::Labels& labels = {});
  // The histogram `name` (without labels) with the given bucket upper bounds,
  // created on first use. Thread-safe.
  prometheus::Histogram& GetHistogram(
      std::string_view name, std::string_view help,
      const prometheus::Histogram::BucketBoundaries& upper_bounds);

  // The whole registry in the text format.
  std::string Render() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::mutex mu_;  // guards the two maps
  std::map<std::string, prometheus::Family<prometheus::Counter>*, std::less<>>
      counters_;
  std::map<std::string, prometheus::Family<prometheus::Histogram>*, std::less<>>
      histograms_;
};

}  // namespace evidex::api

#endif  // EVIDEX_API_METRICS_H_
