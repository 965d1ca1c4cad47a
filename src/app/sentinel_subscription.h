// Listens to a sentinel's pub/sub events for one group, so that a failover
// is followed within a second instead of at the next discovery round. One
// thread per configured sentinel (the sentinel that led a failover
// announces +switch-master first; the others only once its hello reaches
// them, up to two seconds later): SUBSCRIBE to the events below, and on
// each that concerns `master_name`, call `on_event` (with the parsed
// +switch-master when it is one). A lost connection is retried with a
// backoff of 0.5 s doubling to 5 s.
//
// Stop() ends and joins the threads: `on_event` is not called after it
// returns.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "discovery/sentinel_view.h"
#include "memwatch/clock.h"
#include "poller/poller.h"

namespace memwatch::app {

// The channels subscribed to: a failover, and changes of the primary's or a
// replica's state that change the nodes to poll.
inline constexpr std::string_view kSentinelChannels[] = {
    "+switch-master", "+sdown", "-sdown", "+odown", "-odown", "+slave", "+convert-to-slave"};

// True iff a sentinel event's payload ("slave 10.0.0.2:6379 10.0.0.2 6379 @
// orders 10.0.0.1 6379", "master orders 10.0.0.1 6379 #quorum 2/2") names
// `master_name` as a word.
bool EventConcerns(std::string_view payload, std::string_view master_name);

class SentinelSubscription {
 public:
  using EventFn = std::function<void(std::optional<discovery::SwitchMaster>)>;

  // `sentinels`: one PollTarget per sentinel (its address, password, TLS).
  // `clock` must outlive this. Starts the threads.
  SentinelSubscription(std::vector<poller::PollTarget> sentinels, std::string master_name,
                       const Clock* clock, EventFn on_event);
  ~SentinelSubscription();  // Stop()
  SentinelSubscription(const SentinelSubscription&) = delete;
  SentinelSubscription& operator=(const SentinelSubscription&) = delete;

  void Stop();

 private:
  void Loop(const poller::PollTarget& sentinel);
  bool Stopping();
  // Waits `d` or until Stop; false when stopping.
  bool Pause(Duration d);

  const std::string master_name_;
  const Clock* const clock_;
  const EventFn on_event_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace memwatch::app
