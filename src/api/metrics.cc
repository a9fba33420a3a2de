#include "api/metrics.h"

#include <algorithm>
#include <cstdio>

namespace evidex::api {
namespace {

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  std::sort(bounds_.begin(), bounds_.end());
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i] = 0;
}

void Histogram::Observe(double v) {
  std::size_t i = static_cast<std::size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  if (v > 0) {
    sum_micros_.fetch_add(static_cast<std::uint64_t>(v * 1e6),
                          std::memory_order_relaxed);
  }
}

Counter& Metrics::GetCounter(std::string_view name, std::string_view help,
                             std::string_view labels) {
  std::lock_guard<std::mutex> lock(mu_);
  for (CounterEntry& e : counters_) {
    if (e.name == name && e.labels == labels) return e.counter;
  }
  CounterEntry& e = counters_.emplace_back();
  e.name = std::string(name);
  e.help = std::string(help);
  e.labels = std::string(labels);
  return e.counter;
}

Histogram& Metrics::GetHistogram(std::string_view name, std::string_view help,
                                 std::vector<double> upper_bounds) {
  std::lock_guard<std::mutex> lock(mu_);
  for (HistogramEntry& e : histograms_) {
    if (e.name == name) return *e.histogram;
  }
  HistogramEntry& e = histograms_.emplace_back();
  e.name = std::string(name);
  e.help = std::string(help);
  e.histogram = std::make_unique<Histogram>(std::move(upper_bounds));
  return *e.histogram;
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  std::vector<std::string_view> done;
  for (const CounterEntry& first : counters_) {
    if (std::find(done.begin(), done.end(), first.name) != done.end()) continue;
    done.push_back(first.name);
    out += "# HELP " + first.name + " " + first.help + "\n";
    out += "# TYPE " + first.name + " counter\n";
    for (const CounterEntry& e : counters_) {
      if (e.name != first.name) continue;
      out += e.name;
      if (!e.labels.empty()) out += "{" + e.labels + "}";
      out += " " + std::to_string(e.counter.Value()) + "\n";
    }
  }
  for (const HistogramEntry& e : histograms_) {
    const Histogram& h = *e.histogram;
    out += "# HELP " + e.name + " " + e.help + "\n# TYPE " + e.name +
           " histogram\n";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= h.bounds_.size(); ++i) {
      cumulative += h.buckets_[i].load(std::memory_order_relaxed);
      std::string le = i < h.bounds_.size() ? Number(h.bounds_[i]) : "+Inf";
      out += e.name + "_bucket{le=\"" + le + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += e.name + "_sum " +
           Number(static_cast<double>(h.sum_micros_.load()) / 1e6) + "\n";
    out += e.name + "_count " + std::to_string(h.count_.load()) + "\n";
  }
  return out;
}

}  // namespace evidex::api
