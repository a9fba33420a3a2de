#include "api/metrics.h"

#include <prometheus/text_serializer.h>

namespace evidex::api {
namespace {

// The family `name` in `families`, registered with `build()` on first use.
// The caller holds the lock that guards `families`.
template <typename T, typename Build>
prometheus::Family<T>& FamilyOf(
    std::map<std::string, prometheus::Family<T>*, std::less<>>& families,
    prometheus::Registry& registry, std::string_view name,
    std::string_view help, Build build) {
  auto it = families.find(name);
  if (it == families.end()) {
    auto& added = build()
                      .Name(std::string(name))
                      .Help(std::string(help))
                      .Register(registry);
    it = families.emplace(std::string(name), &added).first;
  }
  return *it->second;
}

}  // namespace

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {}

prometheus::Counter& Metrics::GetCounter(std::string_view name,
                                         std::string_view help,
                                         const prometheus::Labels& labels) {
  prometheus::Family<prometheus::Counter>* family;
  {
    std::lock_guard lock(mu_);
    family =
        &FamilyOf(counters_, *registry_, name, help, prometheus::BuildCounter);
  }
  return family->Add(labels);  // the family locks itself
}

prometheus::Histogram& Metrics::GetHistogram(
    std::string_view name, std::string_view help,
    const prometheus::Histogram::BucketBoundaries& upper_bounds) {
  prometheus::Family<prometheus::Histogram>* family;
  {
    std::lock_guard lock(mu_);
    family = &FamilyOf(histograms_, *registry_, name, help,
                       prometheus::BuildHistogram);
  }
  return family->Add({}, upper_bounds);
}

std::string Metrics::Render() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace evidex::api
