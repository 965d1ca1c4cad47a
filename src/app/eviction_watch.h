// The daemon's watch on Redis's eviction events, for the targets whose
// keyspace settings name `protected` keys: one thread per such target, on
// a CommandClient connection of its own (never the poller's or the
// sampler's), so neither INFO polling nor sampling waits for it.
//
// The path of a session: CONFIG GET notify-keyspace-events (refused on
// some managed services: then unknown), recorded on the board as
// ProtectedKeys::eviction_events; PSUBSCRIBE __keyevent@*__:evicted; then
// each `evicted` message whose key matches a protected pattern is counted
// on the board (KeyFamilyBoard::Update: evicted_total, last_evicted = the
// clock's now, the latest escaped names), where the poller's next poll
// hands it to the checks. The observer (SetEvictionObserver: the daemon
// asks the poller to poll the target at once) runs at most every
// kEvictionPollEvery, so the protected_key_evicted finding follows an
// eviction within a poll's round trip, not a whole interval.
// It never changes the server's configuration: when the events are off it
// logs so once, stays subscribed (an operator may turn them on later: the
// first event received marks them on), and doctor explains the change.
//
// Failures: logged when the error changes, then the connection is closed
// and the session starts again after 1 s, doubling up to 1 min. Messages
// come from CommandClient, which never includes a password; key names are
// never logged.
//
// Threads: Apply and Stop run on the main thread; each watcher thread owns
// its client. Stop interrupts a wait at once and a session within
// kEvictionReceiveSlice (a command in progress: within its timeout).
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "app/key_family_board.h"
#include "config/config.h"
#include "memwatch/clock.h"
#include "memwatch/key_families.h"
#include "poller/poller.h"
#include "poller/reply_reader.h"

namespace memwatch::app {

// How long one wait for messages lasts before the thread checks for Stop.
inline constexpr Duration kEvictionReceiveSlice = std::chrono::milliseconds(200);
inline constexpr Duration kEvictionFirstBackoff = std::chrono::seconds(1);
inline constexpr Duration kEvictionMaxBackoff = std::chrono::minutes(1);
// The eviction observer runs at most this often per target.
inline constexpr Duration kEvictionPollEvery = std::chrono::milliseconds(250);
// Evicted names kept as examples (ProtectedKeys::evicted_examples).
inline constexpr size_t kEvictedExamples = 5;
// The channel pattern of every database's `evicted` key events.
inline constexpr std::string_view kEvictedChannels = "__keyevent@*__:evicted";

// True iff notify-keyspace-events `flags` makes Redis publish evictions
// on __keyevent@<db>__:evicted: `E` (key-event channels) and `e`
// (evicted) or `A` (an alias that includes `e`).
bool EvictionEventsOn(std::string_view flags);

// The key of an `evicted` message (["pmessage", pattern, channel, key]
// with a channel ending in ":evicted"); nullopt for anything else.
std::optional<std::string> EvictedKeyOf(const poller::Reply& message);

// Counts the evictions of `keys` (raw names) at `now`: evicted_total,
// last_evicted, the latest kEvictedExamples names (escaped, newest last),
// and eviction_events = true (an event came, so they are on).
void RecordEvictions(const std::vector<std::string>& keys, MonoTime now, ProtectedKeys* p);

class EvictionWatch {
 public:
  // Nothing is owned; all must outlive this object.
  EvictionWatch(const config::Config& config, KeyFamilyBoard* board, const Clock* clock);
  ~EvictionWatch();  // Stop()
  EvictionWatch(const EvictionWatch&) = delete;
  EvictionWatch& operator=(const EvictionWatch&) = delete;

  // Called on a watcher thread after protected keys of `target` were
  // evicted and recorded on the board. Set before Start().
  using EvictionFn = std::function<void(const std::string& target)>;
  void SetEvictionObserver(EvictionFn fn) { on_eviction_ = std::move(fn); }

  void Start();
  // Takes the targets of `config`: a target whose address, credentials or
  // protected patterns changed gets a new watcher (and session), a target
  // without patterns none. Main thread.
  void Apply(const config::Config& config);
  // Stops and joins every watcher. Idempotent.
  void Stop();

 private:
  struct Spec {
    poller::PollTarget target;
    std::vector<std::string> patterns;
    Duration command_timeout{};
    bool operator==(const Spec&) const = default;
  };
  class Watcher;

  static std::map<std::string, Spec> SpecsOf(const config::Config& config);
  void StartWatchers(std::map<std::string, Spec> specs);

  KeyFamilyBoard* const board_;
  const Clock* const clock_;
  EvictionFn on_eviction_;
  std::map<std::string, Spec> specs_;
  bool started_ = false;
  std::map<std::string, std::unique_ptr<Watcher>> watchers_;
};

}  // namespace memwatch::app
