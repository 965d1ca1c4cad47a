// Fuzzes what follows the INFO parser on the poller thread: a series of
// parsed replies through one target's check engine (history, trends,
// forecasts) and the metrics store's /metrics text. Absurd but well-formed
// values (used_memory near INT64_MAX, maxmemory 1, counters going
// backwards) must not trip UBSan or a check's assertions.
//
// Input layout: polls separated by a NUL byte, 20 s apart, so that 32 polls
// span more than half of the default 15 min trend window and the trend and
// time-to-full arithmetic runs (1 s apart, it never did). A poll that
// starts with '!' is a failed poll (the next byte picks the reason);
// anything else is an INFO body.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

#include "checks/check_settings.h"
#include "checks/effective_limit.h"
#include "checks/target_monitor.h"
#include "info/info_parser.h"
#include "metrics/metrics_store.h"

namespace {

using namespace memwatch;

void Require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "snapshot_checks_fuzz: invariant broken: %s\n", what);
    std::abort();
  }
}

// Counts what /metrics would send, without keeping it.
class CountingBuf : public std::streambuf {
 public:
  size_t bytes = 0;

 protected:
  int_type overflow(int_type c) override {
    ++bytes;
    return c;
  }
  std::streamsize xsputn(const char*, std::streamsize n) override {
    bytes += static_cast<size_t>(n);
    return n;
  }
};

constexpr size_t kMaxPolls = 32;
constexpr std::chrono::seconds kPollSpacing{20};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  checks::TargetMonitor monitor({"fuzz", std::nullopt}, checks::CheckSettings());
  metrics::MetricsStore store("fuzz");
  store.SetTargets({"fuzz"});
  const MonoTime t0{std::chrono::hours(1)};
  size_t polls = 0;
  while (!input.empty() && polls < kMaxPolls) {
    const size_t end = input.find('\0');
    const std::string_view body = input.substr(0, end);
    input.remove_prefix(end == input.npos ? input.size() : end + 1);

    checks::Observation obs;
    obs.at = t0 + kPollSpacing * polls++;
    obs.probe_duration = std::chrono::microseconds(500);
    metrics::TargetUpdate update;
    std::optional<Snapshot> snapshot;
    if (!body.empty() && body[0] == '!') {
      obs.failure =
          static_cast<PollFailure>(1 + (body.size() > 1 ? static_cast<unsigned char>(body[1]) : 0) %
                                           (kPollFailureCount - 1));
      obs.failure_message = "fuzzed failure";
    } else {
      snapshot = info::ParseInfo(body);
      obs.snapshot = &*snapshot;
    }
    update.failure = obs.failure;
    update.findings = monitor.Observe(obs);
    for (const Finding& f : update.findings) {
      Require(!f.check.empty(), "a finding without a check name");
    }
    if (snapshot) {
      update.limit = checks::ComputeEffectiveLimit(*snapshot, std::nullopt);
      if (update.limit) Require(update.limit->bytes > 0, "an effective limit of 0 or less");
      update.time_to_full_seconds = monitor.TimeToFullSeconds();
      if (update.time_to_full_seconds) {
        Require(!(*update.time_to_full_seconds < 0), "a negative time to full");
      }
    }
    update.snapshot = std::move(snapshot);
    update.probe_seconds = 0.0005;
    store.Record("fuzz", std::move(update));
  }
  CountingBuf buf;
  std::ostream out(&buf);
  store.WriteText(out);
  Require(buf.bytes > 0, "an empty scrape");
  return 0;
}
