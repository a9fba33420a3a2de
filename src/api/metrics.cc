#include "api/metrics.h"

#include <prometheus/text_serializer.h>

namespace evidex::api {

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {}

prometheus::Counter& Metrics::GetCounter(std::string_view name,
                                         std::string_view help,
                                         const prometheus::Labels& labels) {
  prometheus::Family<prometheus::Counter>* family;
  {
    std::lock_guard lock(mu_);
    auto it = counters_.find(name);
    if (it == counters_.end()) {
      auto& added = prometheus::BuildCounter()
                        .Name(std::string(name))
                        .Help(std::string(help))
                        .Register(*registry_);
      it = counters_.emplace(std::string(name), &added).first;
    }
    family = it->second;
  }
  return family->Add(labels);  // the family locks itself
}

prometheus::Histogram& Metrics::GetHistogram(
    std::string_view name, std::string_view help,
    const prometheus::Histogram::BucketBoundaries& upper_bounds) {
  std::lock_guard lock(mu_);
  auto it = histograms_.find(name);
  if (it == histograms_.end()) {
    auto& added = prometheus::BuildHistogram()
                      .Name(std::string(name))
                      .Help(std::string(help))
                      .Register(*registry_);
    it = histograms_.emplace(std::string(name), &added).first;
  }
  return it->second->Add({}, upper_bounds);
}

std::string Metrics::Render() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace evidex::api
