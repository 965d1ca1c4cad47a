// Test doubles for the alerting seams. Each records what happened so a test
// can replay an incident (a flaky Slack, a crash) in milliseconds.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "alerting/delivery_attempt.h"
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

// Returns at once, advancing the clock by the requested time.
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

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<DeliveryAttempt> script_;
  bool open_;
  size_t entered_ = 0;
  std::vector<Notification> attempts_;
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
    return Status::Ok();
  }
  Status Remove(const std::string& path) override {
    std::lock_guard lock(mu_);
    files_.erase(path);
    log_.push_back("remove " + path);
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

}  // namespace memwatch::alerting::testing
