// Polls many Redis targets from one thread: non-blocking sockets in one epoll
// loop, hiredis' reply reader (read.h) to parse replies, our own timers for
// every request and our own cap on reply size. One slow, hung or dead target
// never delays the others.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "memwatch/clock.h"
#include "memwatch/endpoint.h"
#include "memwatch/poll_failure.h"
#include "memwatch/secret.h"
#include "memwatch/tls_settings.h"

namespace memwatch::poller {

struct PollTarget {
  std::string name;
  Endpoint endpoint;
  std::optional<std::string> username;
  std::optional<Secret> password;
  std::optional<TlsSettings> tls;  // set iff the connection speaks TLS
  bool operator==(const PollTarget&) const = default;
};

struct PollerOptions {
  Duration interval = std::chrono::seconds(1);
  Duration timeout = std::chrono::milliseconds(500);  // connect, AUTH and INFO each
  size_t max_reply_bytes = size_t{8} * 1024 * 1024;
  Duration backoff_max = std::chrono::seconds(30);
  bool operator==(const PollerOptions&) const = default;
};

// The outcome of one poll of one target.
struct PollResult {
  // Position in the target list the poller last applied (constructor or
  // SetTargets, which takes effect asynchronously): prefer target_name to
  // match results across a SetTargets.
  size_t target_index = 0;
  std::string target_name;
  MonoTime started;
  MonoTime finished;
  PollFailure failure = PollFailure::kNone;
  std::string message;  // why it failed, for people; never a secret
  std::string info;     // the INFO text, when failure == kNone
  // When this poll was due; started - due is the scheduling lag.
  MonoTime due;
  // The notAfter (seconds since the epoch) of the certificate the server
  // presented on the connection of this poll or the last TLS one.
  std::optional<int64_t> tls_not_after;
};

class Poller {
 public:
  // Called on the poller thread for every finished poll, success or failure.
  // A target that failed is retried after a backoff (interval doubling up to
  // backoff_max, with jitter) and reports nothing in between. Must not throw;
  // may call Stop, SetTargets and SetFastInterval.
  using Callback = std::function<void(const PollResult&)>;

  Poller(PollerOptions options, std::vector<PollTarget> targets, Callback callback);
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Runs the loop on the calling thread until Stop(). Every target is polled
  // at once, then every `interval` (or its fast interval, see
  // SetFastInterval) from when it was due; a poll that outlasts its interval
  // skips the slots it missed (never two polls of a target in flight).
  // Targets are spread over the interval: after its first successful poll,
  // the target at position i of n waits i/n of an interval longer, once.
  // Returns at once if Stop() was called before.
  void Run();
  // Thread-safe; Run() returns promptly (one loop wake-up, ~1 ms).
  void Stop();

  // Thread-safe; applied by the loop when it next wakes (promptly). Replaces
  // the target list, matching by name: a target equal to an old one keeps
  // its connection, schedule and backoff (only target_index may change); a
  // changed one (same name, other endpoint or credentials) is reconnected and
  // polled at once, like a new one; a removed one is closed and reports
  // nothing more, even if a poll was in flight.
  void SetTargets(std::vector<PollTarget> targets);

  // Thread-safe; applied by the loop when it next wakes (promptly). New
  // options for every target, kept or added later: the request timeout
  // bounds every request started from then on; a new interval times each
  // target's next poll (an idle, healthy target is polled at once if one
  // new interval has passed since its last poll was due, and never later
  // than already planned) and the backoff of failing ones. Connections,
  // schedules and fast intervals are kept.
  void SetOptions(PollerOptions options);

  // Thread-safe. Polls target `name` every `interval` instead of the default
  // until called again with std::nullopt (adaptive polling near the limit).
  // Takes effect promptly: an idle, healthy target is polled at once if one
  // new interval has passed since its last poll was due, else one new
  // interval after it; a target backing off keeps its backoff.
  void SetFastInterval(const std::string& name, std::optional<Duration> interval);

  // Thread-safe. Polls target `name` at once if it is idle and healthy
  // (something happened that its checks should see now: an eviction
  // event); its schedule then runs on from this poll. A target in flight
  // or backing off is left alone.
  void PollSoon(const std::string& name);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Polls every target once, concurrently, and returns one result per target
// (index order). For `doctor` and tests.
std::vector<PollResult> PollOnce(const PollerOptions& options,
                                 const std::vector<PollTarget>& targets);

}  // namespace memwatch::poller
