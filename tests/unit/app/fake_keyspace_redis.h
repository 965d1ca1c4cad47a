// A fake Redis for the keyspace sampler's unit tests: a keyspace SCAN walks
// in a hash order, TYPE/TTL/MEMORY USAGE answers, INFO commandstats with a
// cost per command, and a fake clock that each pipeline advances.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/keyspace_scan.h"
#include "memwatch/clock.h"

namespace memwatch::app::fake_keyspace {

using poller::Reply;

inline Reply Str(std::string s) {
  return Reply{.type = Reply::Type::kString, .text = std::move(s)};
}
inline Reply StatusReply(std::string s) {
  return Reply{.type = Reply::Type::kStatus, .text = std::move(s)};
}
inline Reply Err(std::string s) { return Reply{.type = Reply::Type::kError, .text = std::move(s)}; }
inline Reply Int(long long i) { return Reply{.type = Reply::Type::kInteger, .integer = i}; }
inline Reply Arr(std::vector<Reply> e) {
  return Reply{.type = Reply::Type::kArray, .elements = std::move(e)};
}

class FakeClock : public Clock {
 public:
  MonoTime Now() const override { return now_; }
  WallTime WallNow() const override { return WallTime{} + now_.time_since_epoch(); }
  void Advance(Duration d) { now_ += d; }

 private:
  MonoTime now_ = MonoTime{} + std::chrono::hours(1);
};

struct FakeKey {
  std::string type = "string";
  long long ttl = -1;
  long long bytes = 100;
};

// A keyspace of sorted keys that SCAN walks by index (the cursor), with a
// cost in usec per command for INFO commandstats, a clock tick per
// pipeline, and a failure after `fail_after` pipelines. Records, per INFO
// call, how many keys (SCAN + TYPE) were spent since the one before.
class FakeRedis {
 public:
  explicit FakeRedis(FakeClock* clock) : clock_(clock) {}

  void Add(const std::string& key, FakeKey k = {}) {
    keys_[key] = k;
    order_.clear();
  }

  Result<std::vector<Reply>> Pipeline(const std::vector<Argv>& commands, MonoTime deadline) {
    EXPECT_GT(deadline, clock_->Now());
    ++pipelines_;
    if (fail_after_ && pipelines_ > *fail_after_) return Status::Error("connection lost");
    if (time_out_) {
      clock_->Advance(std::chrono::duration_cast<Duration>(deadline - clock_->Now()));
      return Status::Error("timed out waiting for replies");
    }
    clock_->Advance(std::chrono::milliseconds(1));
    std::vector<Reply> out;
    for (const Argv& c : commands) out.push_back(Answer(c));
    return out;
  }

  int pipelines() const { return pipelines_; }

  std::optional<int> fail_after_;
  bool time_out_ = false;  // every pipeline runs to its deadline and fails
  bool memory_blocked_ = false;
  uint64_t usec_per_command_ = 2;
  std::vector<uint64_t> spent_per_interval_;  // keys (SCAN + TYPE) between INFO calls
  uint64_t type_calls_ = 0;
  uint64_t memory_calls_ = 0;

 private:
  Reply Answer(const Argv& c) {
    if (c[0] == "INFO") {
      spent_per_interval_.push_back(spent_);
      spent_ = 0;
      return Str("# Commandstats\r\ncmdstat_scan:calls=1,usec=" + std::to_string(usec_) + "\r\n");
    }
    if (c[0] == "DBSIZE") return Int(static_cast<long long>(keys_.size()));
    usec_ += usec_per_command_;
    if (c[0] == "SCAN") return Scan(std::stoull(c[1]), std::stoul(c[3]));
    auto it = keys_.find(c[0] == "MEMORY" ? c[2] : c[1]);
    if (c[0] == "TYPE") {
      ++spent_;
      ++type_calls_;
      return StatusReply(it == keys_.end() ? "none" : it->second.type);
    }
    if (c[0] == "TTL") return Int(it == keys_.end() ? -2 : it->second.ttl);
    ++memory_calls_;
    if (memory_blocked_) return Err("ERR unknown command 'MEMORY'");
    return it == keys_.end() ? Reply{} : Int(it->second.bytes);
  }

  Reply Scan(uint64_t cursor, uint64_t count) {
    ++spent_;
    std::vector<Reply> page;
    if (order_.empty()) {  // a hash order, as Redis's, unrelated to the names
      for (const auto& [key, unused] : keys_) order_.push_back(key);
      std::sort(order_.begin(), order_.end(), [](const std::string& a, const std::string& b) {
        return std::hash<std::string>{}(a) < std::hash<std::string>{}(b);
      });
    }
    uint64_t next = cursor;
    for (; next < order_.size() && page.size() < count; ++next) page.push_back(Str(order_[next]));
    if (next >= order_.size()) next = 0;
    return Arr({Str(std::to_string(next)), Arr(std::move(page))});
  }

  FakeClock* clock_;
  std::map<std::string, FakeKey> keys_;
  std::vector<std::string> order_;  // SCAN's order; rebuilt after Add
  int pipelines_ = 0;
  uint64_t usec_ = 1000;  // other clients' earlier calls
  uint64_t spent_ = 0;
};

}  // namespace memwatch::app::fake_keyspace
