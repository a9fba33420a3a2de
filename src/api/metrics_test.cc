#include "api/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace evidex::api {
namespace {

TEST(MetricsTest, RendersCountersGroupedByName) {
  Metrics m;
  m.GetCounter("evidex_http_requests_total", "Requests.", {{"status", "200"}})
      .Increment(3);
  m.GetCounter("evidex_cases_created_total", "Cases.").Increment();
  m.GetCounter("evidex_http_requests_total", "Requests.", {{"status", "404"}})
      .Increment();
  const std::string page = m.Render();
  EXPECT_NE(page.find("# HELP evidex_http_requests_total Requests.\n"
                      "# TYPE evidex_http_requests_total counter\n"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("evidex_http_requests_total{status=\"200\"} 3\n"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("evidex_http_requests_total{status=\"404\"} 1\n"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("# TYPE evidex_cases_created_total counter\n"
                      "evidex_cases_created_total 1\n"),
            std::string::npos)
      << page;
}

TEST(MetricsTest, TheSameNameAndLabelsAreOneSeries) {
  Metrics m;
  m.GetCounter("n_total", "N.", {{"k", "v"}}).Increment();
  m.GetCounter("n_total", "N.", {{"k", "v"}}).Increment();
  EXPECT_EQ(m.GetCounter("n_total", "N.", {{"k", "v"}}).Value(), 2);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Metrics m;
  prometheus::Histogram& h =
      m.GetHistogram("lat_seconds", "Latency.", {0.1, 1});
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(0.5);
  h.Observe(3);
  const std::string page = m.Render();
  EXPECT_NE(page.find("# TYPE lat_seconds histogram\n"
                      "lat_seconds_count 4\n"
                      "lat_seconds_sum 4.05\n"
                      "lat_seconds_bucket{le=\"0.1\"} 1\n"
                      "lat_seconds_bucket{le=\"1\"} 3\n"
                      "lat_seconds_bucket{le=\"+Inf\"} 4\n"),
            std::string::npos)
      << page;
  EXPECT_EQ(&m.GetHistogram("lat_seconds", "Latency.", {0.1, 1}), &h);
}

TEST(MetricsTest, CountersAreThreadSafe) {
  Metrics m;
  prometheus::Counter& c = m.GetCounter("n_total", "N.");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.Increment();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.Value(), 40000);
}

}  // namespace
}  // namespace evidex::api
