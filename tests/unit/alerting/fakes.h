// Test doubles for the alerting seams. Each records what happened so a test
// can replay an incident (a flaky Slack, a crash) in milliseconds.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "alerting/delivery_attempt.h"
#include "alerting/dispatch_observer.h"
#include "alerting/file_system.h"
#include "alerting/notification.h"
#include "alerting/notifier.h"
#include "alerting/sleeper.h"
#include "memwatch/clock.h"
#include "memwatch/finding.h"

namespace memwatch::alerting::testing {

// 2024-05-01 12:00:00 UTC.
inline WallTime Wall0() { return WallTime(std::chrono::seconds(1714564800)); }
inline MonoTime Mono0() { return MonoTime(std::chrono::hours(1000)); }

// Starts at Mono0()/Wall0(); only Advance() moves it. Thread-safe.
class FakeClock : public Clock {
 public:
  MonoTime Now() const override { return Mono0() + Duration(offset_ms_.load()); }
  WallTime WallNow() const override { return Wall0() + Duration(offset_ms_.load()); }
  void Advance(Duration d) { offset_ms_ += d.count(); }

 private:
  std::atomic<int64_t> offset_ms_{0};
};

// Returns at once, advancing the clock by the requested time (as if no
// Wake() came meanwhile).
class FakeSleeper : public Sleeper {
 public:
  explicit FakeSleeper(FakeClock* clock) : clock_(clock) {}
  bool SleepFor(Duration d) override {
    std::lock_guard lock(mu_);
    if (interrupted_) return false;
    sleeps_.push_back(d);
    clock_->Advance(d);
    return true;
  }
  bool SleepUnlessWoken(Duration d, uint64_t) override { return SleepFor(d); }
  uint64_t Wakes() override { return wakes_; }
  void Wake() override { ++wakes_; }
  void Interrupt() override {
    std::lock_guard lock(mu_);
    interrupted_ = true;
  }
  std::vector<Duration> sleeps() {
    std::lock_guard lock(mu_);
    return sleeps_;
  }

 private:
  FakeClock* clock_;
  std::mutex mu_;
  bool interrupted_ = false;
  std::atomic<uint64_t> wakes_{0};
  std::vector<Duration> sleeps_;
};

// Blocks like the real sleeper, but on the fake clock: a sleep ends once
// the test moved the clock past its end (Advance), or at Wake() (for
// SleepUnlessWoken) or Interrupt(). Lets a test act while a worker waits.
class ManualSleeper : public Sleeper {
 public:
  explicit ManualSleeper(FakeClock* clock) : clock_(clock) {}
  bool SleepFor(Duration d) override { return Sleep(d, false, 0); }
  bool SleepUnlessWoken(Duration d, uint64_t wakes) override { return Sleep(d, true, wakes); }
  uint64_t Wakes() override {
    std::lock_guard lock(mu_);
    return wakes_;
  }
  void Wake() override {
    std::lock_guard lock(mu_);
    ++wakes_;
    cv_.notify_all();
  }
  void Interrupt() override {
    std::lock_guard lock(mu_);
    interrupted_ = true;
    cv_.notify_all();
  }

  // Moves the clock; ends the sleeps that are over.
  void Advance(Duration d) {
    std::lock_guard lock(mu_);
    clock_->Advance(d);
    cv_.notify_all();
  }
  // Waits (up to 10 s of real time) until the `n`th sleep has begun and a
  // sleep is running: the worker is waiting.
  bool WaitForSleep(size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10),
                        [&] { return sleeps_.size() >= n && sleeping_ > 0; });
  }
  // Whether WaitForSleep(n) would return at once.
  bool IsSleeping(size_t n) {
    std::lock_guard lock(mu_);
    return sleeps_.size() >= n && sleeping_ > 0;
  }
  // Every requested sleep, in order.
  std::vector<Duration> sleeps() {
    std::lock_guard lock(mu_);
    return sleeps_;
  }

 private:
  bool Sleep(Duration d, bool wakeable, uint64_t wakes) {
    std::unique_lock lock(mu_);
    if (interrupted_) return false;
    sleeps_.push_back(d);
    const MonoTime end = clock_->Now() + d;
    ++sleeping_;
    cv_.notify_all();
    cv_.wait(lock,
             [&] { return interrupted_ || clock_->Now() >= end || (wakeable && wakes_ != wakes); });
    --sleeping_;
    return !interrupted_;
  }

  FakeClock* clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool interrupted_ = false;
  uint64_t wakes_ = 0;
  int sleeping_ = 0;
  std::vector<Duration> sleeps_;
};

inline DeliveryAttempt Http(int status, std::string body = "", std::string retry_after = "") {
  DeliveryAttempt a;
  a.status = status;
  a.body = std::move(body);
  a.retry_after = std::move(retry_after);
  a.where = "slack receiver oncall (https://hooks.slack.com/…)";
  return a;
}

inline DeliveryAttempt Transport(TransportError e, std::string error = "") {
  DeliveryAttempt a;
  a.transport = e;
  a.error = std::move(error);
  a.where = "slack receiver oncall (https://hooks.slack.com/…)";
  return a;
}

// Plays scripted attempts (then 200s), records every notification it was
// given, and can hold deliveries until Open() to play a hanging receiver.
class FakeNotifier : public Notifier {
 public:
  explicit FakeNotifier(std::vector<DeliveryAttempt> script = {}, bool open = true)
      : script_(script.begin(), script.end()), open_(open) {}

  DeliveryAttempt Deliver(const Notification& n) override {
    std::unique_lock lock(mu_);
    ++entered_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
    attempts_.push_back(n);
    if (clock_ != nullptr) times_.push_back(clock_->Now());
    DeliveryAttempt a = Http(200, "ok");
    if (!script_.empty()) {
      a = script_.front();
      script_.pop_front();
    }
    cv_.notify_all();
    return a;
  }

  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  // Waits (up to 10 s of real time) until at least `n` attempts happened.
  bool WaitForAttempts(size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return attempts_.size() >= n; });
  }
  // Waits until at least `n` calls started (possibly held by !open).
  bool WaitForEntered(size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return entered_ >= n; });
  }
  std::vector<Notification> attempts() {
    std::lock_guard lock(mu_);
    return attempts_;
  }
  // From now on, notes the time of each attempt on `clock`.
  void RecordTimes(const FakeClock* clock) {
    std::lock_guard lock(mu_);
    clock_ = clock;
  }
  // Seconds after Mono0() of each attempt since RecordTimes.
  std::vector<double> times() {
    std::lock_guard lock(mu_);
    std::vector<double> out;
    for (MonoTime t : times_) out.push_back(std::chrono::duration<double>(t - Mono0()).count());
    return out;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<DeliveryAttempt> script_;
  bool open_;
  size_t entered_ = 0;
  std::vector<Notification> attempts_;
  const FakeClock* clock_ = nullptr;
  std::vector<MonoTime> times_;
};

// Files in a map. Everything written is "durable"; a simulated crash is a
// new Outbox over the same FakeFileSystem. Can fail writes on demand.
class FakeFileSystem : public FileSystem {
 public:
  Status MakeDirs(const std::string& dir) override {
    std::lock_guard lock(mu_);
    dirs_.insert(dir);
    return Status::Ok();
  }
  Status WriteFileDurably(const std::string& path, std::string_view content) override {
    std::lock_guard lock(mu_);
    if (fail_writes_ > 0) {
      --fail_writes_;
      return Status::Error("cannot write " + path + ": No space left on device");
    }
    files_[path] = std::string(content);
    log_.push_back("write " + path);
    if (recording_) snapshots_.push_back(files_);
    return Status::Ok();
  }
  Status Remove(const std::string& path) override {
    std::lock_guard lock(mu_);
    if (fail_removes_ > 0) {
      --fail_removes_;
      return Status::Error("cannot remove " + path + ": Input/output error");
    }
    files_.erase(path);
    log_.push_back("remove " + path);
    if (recording_) snapshots_.push_back(files_);
    return Status::Ok();
  }
  Result<std::vector<std::string>> List(const std::string& dir) override {
    std::lock_guard lock(mu_);
    std::vector<std::string> names;
    for (const auto& [path, content] : files_) {
      if (path.size() <= dir.size() + 1 || path.compare(0, dir.size() + 1, dir + "/") != 0)
        continue;
      const std::string name = path.substr(dir.size() + 1);
      if (name.find('/') == std::string::npos && name[0] != '.') names.push_back(name);
    }
    return names;
  }
  Result<std::string> Read(const std::string& path) override {
    std::lock_guard lock(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) return Status::Error("cannot open " + path + ": No such file");
    return it->second;
  }
  Result<int> RemoveTemporaries(const std::string& dir) override {
    std::lock_guard lock(mu_);
    int n = 0;
    for (auto it = files_.begin(); it != files_.end();) {
      const bool temp = it->first.starts_with(dir + "/.") && it->first.ends_with(".tmp");
      it = temp ? (++n, files_.erase(it)) : std::next(it);
    }
    return n;
  }

  // Test helpers.
  void Put(const std::string& path, std::string content) {
    std::lock_guard lock(mu_);
    files_[path] = std::move(content);
  }
  bool Exists(const std::string& path) {
    std::lock_guard lock(mu_);
    return files_.count(path) > 0;
  }
  std::string Get(const std::string& path) {
    std::lock_guard lock(mu_);
    return files_.count(path) ? files_[path] : "";
  }
  void FailNextWrites(int n) {
    std::lock_guard lock(mu_);
    fail_writes_ = n;
  }
  void FailNextRemoves(int n) {
    std::lock_guard lock(mu_);
    fail_removes_ = n;
  }
  // kill -9 at every step: from now on, the files as they are after each
  // write or removal (each one durable, as WriteFileDurably and Remove
  // promise), the current ones first.
  void StartRecording() {
    std::lock_guard lock(mu_);
    recording_ = true;
    snapshots_ = {files_};
  }
  std::vector<std::map<std::string, std::string>> Snapshots() {
    std::lock_guard lock(mu_);
    return snapshots_;
  }
  // Starts over with `files` (what a crash left), e.g. one of Snapshots().
  void SetFiles(std::map<std::string, std::string> files) {
    std::lock_guard lock(mu_);
    files_ = std::move(files);
  }
  std::vector<std::string> log() {
    std::lock_guard lock(mu_);
    return log_;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::string> files_;
  std::set<std::string> dirs_;
  std::vector<std::string> log_;
  int fail_writes_ = 0;
  int fail_removes_ = 0;
  bool recording_ = false;
  std::vector<std::map<std::string, std::string>> snapshots_;
};

inline Finding MakeFinding(std::string check, Severity severity, std::string summary = "") {
  Finding f;
  f.check = std::move(check);
  f.severity = severity;
  f.summary = summary.empty() ? "summary of " + f.check : std::move(summary);
  f.evidence = {{"used_memory", "1.00 GiB"}};
  f.fix = "redis-cli CONFIG SET maxmemory 2gb";
  return f;
}

// A NotificationEvent with its texts copied.
struct RecordedEvent {
  std::string receiver, id;
  NotificationResult result = NotificationResult::kSent;
  WallTime at{};
  std::string target;
  std::optional<WallTime> created_at;
  std::string headline;
  int firing = 0;
  int attempts = 0;
  std::string reason;
};

// Records the dispatcher's metric hooks (thread-safe).
class RecordingObserver : public DispatchObserver {
 public:
  void OnNotification(const NotificationEvent& e) override {
    std::lock_guard lock(mu_);
    results_.push_back(std::string(e.receiver) + ":" + std::string(ResultLabel(e.result)));
    events_.push_back({std::string(e.receiver), std::string(e.id), e.result, e.at,
                       std::string(e.target), e.created_at, std::string(e.headline), e.firing,
                       e.attempts, std::string(e.reason)});
  }
  void OnQueueLength(std::string_view receiver, size_t n) override {
    std::lock_guard lock(mu_);
    queue_[std::string(receiver)] = n;
  }
  void OnDelivered(std::string_view, Duration latency) override {
    std::lock_guard lock(mu_);
    latencies_.push_back(latency);
  }
  std::vector<std::string> results() {
    std::lock_guard lock(mu_);
    return results_;
  }
  std::vector<RecordedEvent> events() {
    std::lock_guard lock(mu_);
    return events_;
  }
  std::vector<Duration> latencies() {
    std::lock_guard lock(mu_);
    return latencies_;
  }
  size_t queue(const std::string& r) {
    std::lock_guard lock(mu_);
    return queue_[r];
  }

 private:
  std::mutex mu_;
  std::vector<std::string> results_;
  std::vector<RecordedEvent> events_;
  std::map<std::string, size_t> queue_;
  std::vector<Duration> latencies_;
};

// Polls until `done` or 10 s of real time pass (no fixed sleeps).
inline bool Eventually(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

// One alert of MakeNotification, in the fewest words:
// {"memory_high", kCritical, kWarning} is a change from warning.
struct AlertSpec {
  std::string check;
  Severity severity = Severity::kWarning;
  std::optional<Severity> previous = std::nullopt;
  bool repeat = false;
  bool resolved = false;
  int started_s = 0;  // seconds after Wall0()
};

// Notification number `i` (its id sorts by i; created i seconds after
// Wall0()), alerts in AlertOrder.
inline Notification MakeNotification(int i, const std::vector<AlertSpec>& alerts,
                                     std::string target = "coupon-redis",
                                     std::string receiver = "oncall") {
  Notification n;
  n.id = "1714564800000-00000000-" + std::to_string(100000 + i);
  n.target = std::move(target);
  n.receiver = std::move(receiver);
  n.created_at = Wall0() + std::chrono::seconds(i);
  for (const AlertSpec& spec : alerts) {
    Alert a;
    a.check = spec.check;
    a.severity = spec.severity;
    a.previous_severity = spec.previous;
    a.repeat = spec.repeat;
    a.resolved = spec.resolved;
    a.summary = "summary of " + spec.check;
    a.started_at = Wall0() + std::chrono::seconds(spec.started_s);
    n.alerts.push_back(std::move(a));
  }
  std::sort(n.alerts.begin(), n.alerts.end(), AlertOrder);
  return n;
}

// "check severity firing|resolved (was X) (repeat)" per alert, for
// readable expectations.
inline std::vector<std::string> Describe(const std::vector<Alert>& alerts) {
  std::vector<std::string> out;
  for (const Alert& a : alerts) {
    std::string d = a.check + " " + std::string(SeverityName(a.severity)) +
                    (a.resolved ? " resolved" : " firing");
    if (a.previous_severity) d += " (was " + std::string(SeverityName(*a.previous_severity)) + ")";
    if (a.repeat) d += " (repeat)";
    out.push_back(d);
  }
  return out;
}

}  // namespace memwatch::alerting::testing
