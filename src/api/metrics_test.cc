#include "api/metrics.h"

#include <gtest/gtest.h>

#include <thread>

namespace evidex::api {
namespace {

TEST(MetricsTest, RendersCountersGroupedByName) {
  Metrics m;
  m.GetCounter("evidex_http_requests_total", "Requests.", "status=\"200\"")
      .Add(3);
  m.GetCounter("evidex_cases_created_total", "Cases.").Add();
  m.GetCounter("evidex_http_requests_total", "Requests.", "status=\"404\"")
      .Add();
  EXPECT_EQ(m.Render(),
            "# HELP evidex_http_requests_total Requests.\n"
            "# TYPE evidex_http_requests_total counter\n"
            "evidex_http_requests_total{status=\"200\"} 3\n"
            "evidex_http_requests_total{status=\"404\"} 1\n"
            "# HELP evidex_cases_created_total Cases.\n"
            "# TYPE evidex_cases_created_total counter\n"
            "evidex_cases_created_total 1\n");
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Metrics m;
  Histogram& h = m.GetHistogram("lat_seconds", "Latency.", {0.1, 1});
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(0.5);
  h.Observe(3);
  EXPECT_EQ(m.Render(),
            "# HELP lat_seconds Latency.\n# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{le=\"0.1\"} 1\n"
            "lat_seconds_bucket{le=\"1\"} 3\n"
            "lat_seconds_bucket{le=\"+Inf\"} 4\n"
            "lat_seconds_sum 4.05\n"
            "lat_seconds_count 4\n");
}

TEST(MetricsTest, CountersAreThreadSafe) {
  Metrics m;
  Counter& c = m.GetCounter("n", "N.");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.Add();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.Value(), 40000u);
}

}  // namespace
}  // namespace evidex::api
