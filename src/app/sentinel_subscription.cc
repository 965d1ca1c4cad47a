#include "app/sentinel_subscription.h"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

#include "poller/command_client.h"

namespace memwatch::app {
namespace {

constexpr Duration kCommandTimeout = std::chrono::seconds(1);
constexpr Duration kReceiveSlice = std::chrono::milliseconds(200);
constexpr Duration kFirstBackoff = std::chrono::milliseconds(500);
constexpr Duration kMaxBackoff = std::chrono::seconds(5);

// A pub/sub message ["message", channel, payload], or nullptr.
const poller::Reply* PayloadOf(const poller::Reply& r, std::string* channel) {
  using poller::Reply;
  if (r.type != Reply::Type::kArray || r.elements.size() != 3) return nullptr;
  for (const Reply& e : r.elements) {
    if (e.type != Reply::Type::kString) return nullptr;
  }
  if (r.elements[0].text != "message") return nullptr;
  *channel = r.elements[1].text;
  return &r.elements[2];
}

}  // namespace

bool EventConcerns(std::string_view payload, std::string_view master_name) {
  size_t start = 0;
  while (start <= payload.size()) {
    size_t end = payload.find(' ', start);
    if (end == std::string_view::npos) end = payload.size();
    if (payload.substr(start, end - start) == master_name) return true;
    start = end + 1;
  }
  return false;
}

SentinelSubscription::SentinelSubscription(std::vector<poller::PollTarget> sentinels,
                                           std::string master_name, const Clock* clock,
                                           EventFn on_event)
    : master_name_(std::move(master_name)), clock_(clock), on_event_(std::move(on_event)) {
  threads_.reserve(sentinels.size());
  for (poller::PollTarget& s : sentinels) {
    threads_.emplace_back([this, s = std::move(s)] { Loop(s); });
  }
}

SentinelSubscription::~SentinelSubscription() { Stop(); }

void SentinelSubscription::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

bool SentinelSubscription::Stopping() {
  std::lock_guard lock(mu_);
  return stopping_;
}

bool SentinelSubscription::Pause(Duration d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return stopping_; });
}

void SentinelSubscription::Loop(const poller::PollTarget& sentinel) {
  poller::CommandClient client(sentinel, poller::CommandClientOptions{}, *clock_);
  Duration backoff = kFirstBackoff;
  std::string last_error;
  std::vector<std::string> subscribe{"SUBSCRIBE"};
  for (std::string_view c : kSentinelChannels) subscribe.emplace_back(c);
  while (!Stopping()) {
    Status s = client.Send(subscribe, clock_->Now() + kCommandTimeout);
    while (s.ok() && !Stopping()) {
      Result<std::vector<poller::Reply>> got = client.Receive(clock_->Now() + kReceiveSlice);
      if (!got.ok()) {
        s = got.status();
        break;
      }
      for (const poller::Reply& r : got.value()) {
        if (r.type == poller::Reply::Type::kError) {
          s = Status::Error("SUBSCRIBE refused by " + client.address() + ": " + r.text);
          break;
        }
        if (r.type == poller::Reply::Type::kArray && !r.elements.empty() &&
            r.elements[0].text == "subscribe") {
          if (!last_error.empty()) spdlog::info("{}: sentinel events again", client.address());
          last_error.clear();
          backoff = kFirstBackoff;
          continue;
        }
        std::string channel;
        const poller::Reply* payload = PayloadOf(r, &channel);
        if (payload == nullptr || !EventConcerns(payload->text, master_name_)) continue;
        std::optional<discovery::SwitchMaster> switched;
        if (channel == "+switch-master") {
          Result<discovery::SwitchMaster> m = discovery::ParseSwitchMaster(payload->text);
          if (m.ok()) switched = m.value();
        }
        on_event_(std::move(switched));
      }
    }
    client.Close();
    if (Stopping()) break;
    if (s.message() != last_error) {
      spdlog::debug("{}: sentinel events lost: {}", client.address(), s.message());
      last_error = s.message();
    }
    if (!Pause(backoff)) break;
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

}  // namespace memwatch::app
