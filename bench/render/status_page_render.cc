// The status page's render cost at its worst case, which the live bench
// (bench/many_targets.py) cannot reach without running for an hour: 1,000
// targets, each with a full hour of history (120 points) for its sparkline,
// a growing forecast, and two findings with fixes of the length real checks
// write. Renders GET / and /api/v1/status BENCH_PAGES times each and prints
// the thread CPU per render and the size, as JSON, to argv[1] (stdout by
// default).
//
//   build/bench/memwatch_bench_status_page [OUT.json]
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "metrics/status_page.h"

namespace {

using memwatch::EffectiveLimit;
using memwatch::Finding;
using memwatch::Severity;
using memwatch::metrics::HistoryPoint;
using memwatch::metrics::kHistoryPoints;
using memwatch::metrics::kHistoryStepSeconds;
using memwatch::metrics::TargetStatus;

constexpr double kNow = 1796601600;
constexpr int64_t kGiB = int64_t{1024} * 1024 * 1024;

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

Finding MakeFinding(const std::string& check, Severity severity) {
  Finding f;
  f.check = check;
  f.severity = severity;
  f.summary = std::string(160, 's');  // a real summary is 100-200 characters
  f.fix = std::string(420, 'f');      // and a fix 300-600
  f.evidence = {{"used_memory", "3.2 GiB"}, {"maxmemory", "4 GiB"}};
  return f;
}

std::vector<TargetStatus> Targets(int count) {
  std::vector<TargetStatus> out;
  for (int i = 0; i < count; ++i) {
    TargetStatus t;
    t.name = fmt::format("cache-{:04}", i);
    t.polled = true;
    t.up = true;
    t.last_success_wall = kNow - 1;
    t.used_memory = 3 * kGiB;
    t.limit = EffectiveLimit{4 * kGiB, "cgroup"};
    t.maxmemory_policy = "noeviction";
    t.role = "master";
    t.time_to_full_seconds = 5400;
    t.findings = {MakeFinding("noeviction", Severity::kWarning),
                  MakeFinding("memory_high", Severity::kWarning)};
    for (size_t k = 0; k < kHistoryPoints; ++k) {
      t.history.push_back({kNow - kHistoryStepSeconds * static_cast<double>(kHistoryPoints - k),
                           2 * kGiB + static_cast<int64_t>(k) * 9'000'000});
    }
    out.push_back(std::move(t));
  }
  return out;
}

template <typename Render>
std::string Measure(const char* name, int pages, Render render) {
  std::vector<double> ms;
  size_t bytes = 0;
  for (int i = 0; i < pages; ++i) {
    const double t0 = ThreadCpuMs();
    const std::string body = render();
    ms.push_back(ThreadCpuMs() - t0);
    bytes = body.size();
  }
  std::sort(ms.begin(), ms.end());
  return fmt::format("\"{}\": {{\"cpu_ms_median\": {:.2f}, \"cpu_ms_max\": {:.2f}, \"bytes\": {}}}",
                     name, ms[ms.size() / 2], ms.back(), bytes);
}

}  // namespace

int main(int argc, char** argv) {
  const char* env_targets = std::getenv("BENCH_TARGETS");
  const char* env_pages = std::getenv("BENCH_PAGES");
  const int targets = env_targets != nullptr ? std::max(1, std::atoi(env_targets)) : 1000;
  const int pages = env_pages != nullptr ? std::max(1, std::atoi(env_pages)) : 20;
  const std::vector<TargetStatus> status = Targets(targets);
  const memwatch::metrics::PageContext ctx{"bench", kNow, 1};
  const std::string json = fmt::format(
      "{{\"targets\": {}, \"history_points_per_target\": {}, \"pages\": {},\n {},\n {}}}\n",
      targets, kHistoryPoints, pages,
      Measure("status_page", pages, [&] { return RenderStatusPage(status, ctx); }),
      Measure("status_json", pages, [&] { return RenderStatusJson(status, ctx); }));
  if (argc > 1) {
    std::ofstream(argv[1]) << json;
  }
  std::cout << json;
  return 0;
}
