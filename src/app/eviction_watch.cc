#include "app/eviction_watch.h"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

#include "app/keyspace_sampling.h"
#include "app/poll_processor.h"
#include "keyspace/glob.h"
#include "keyspace/prefix.h"
#include "poller/command_client.h"

namespace memwatch::app {

bool EvictionEventsOn(std::string_view flags) {
  const bool keyevent = flags.find('E') != std::string_view::npos;
  const bool evicted =
      flags.find('e') != std::string_view::npos || flags.find('A') != std::string_view::npos;
  return keyevent && evicted;
}

std::optional<std::string> EvictedKeyOf(const poller::Reply& message) {
  using poller::Reply;
  if (message.type != Reply::Type::kArray || message.elements.size() != 4) return std::nullopt;
  const std::vector<Reply>& e = message.elements;
  for (const Reply& r : e) {
    if (r.type != Reply::Type::kString) return std::nullopt;
  }
  constexpr std::string_view kSuffix = ":evicted";
  const std::string& channel = e[2].text;
  if (e[0].text != "pmessage" || channel.size() < kSuffix.size() ||
      channel.compare(channel.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
    return std::nullopt;
  }
  return e[3].text;
}

void RecordEvictions(const std::vector<std::string>& keys, MonoTime now, ProtectedKeys* p) {
  if (keys.empty()) return;
  p->evicted_total += keys.size();
  p->last_evicted = now;
  p->eviction_events = true;
  for (const std::string& key : keys) p->evicted_examples.push_back(keyspace::EscapeKeyName(key));
  if (p->evicted_examples.size() > kEvictedExamples) {
    p->evicted_examples.erase(
        p->evicted_examples.begin(),
        p->evicted_examples.end() - static_cast<std::ptrdiff_t>(kEvictedExamples));
  }
}

namespace {

std::vector<std::string> Escaped(const std::vector<std::string>& patterns) {
  std::vector<std::string> out;
  out.reserve(patterns.size());
  for (const std::string& p : patterns) out.push_back(keyspace::EscapeKeyName(p));
  return out;
}

}  // namespace

// One target's watch: its thread, its client, its session loop.
class EvictionWatch::Watcher {
 public:
  Watcher(std::string name, Spec spec, KeyFamilyBoard* board, const Clock* clock,
          EvictionFn on_eviction)
      : name_(std::move(name)),
        spec_(std::move(spec)),
        patterns_(Escaped(spec_.patterns)),
        board_(board),
        clock_(clock),
        on_eviction_(std::move(on_eviction)),
        client_(spec_.target, poller::CommandClientOptions{}, *clock) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~Watcher() { Stop(); }
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  void Stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  bool Stopping() {
    std::lock_guard lock(mu_);
    return stopping_;
  }

  void Loop() {
    Duration backoff = kEvictionFirstBackoff;
    while (!Stopping()) {
      const Status s = Session(&backoff);
      if (Stopping()) break;
      if (s.message() != last_error_) {
        spdlog::warn("{}: eviction watch failed: {}; retrying in {} s", name_, s.message(),
                     std::chrono::duration_cast<std::chrono::seconds>(backoff).count());
      }
      last_error_ = s.message();
      client_.Close();
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, backoff, [this] { return stopping_; });
      backoff = std::min(backoff * 2, kEvictionMaxBackoff);
    }
    client_.Close();
  }

  // Whether Redis announces evictions: CONFIG GET, nullopt when refused.
  Result<std::optional<bool>> ReadEventsSetting() {
    Result<std::vector<poller::Reply>> replies = client_.Pipeline(
        {{"CONFIG", "GET", "notify-keyspace-events"}}, clock_->Now() + spec_.command_timeout);
    if (!replies.ok()) return replies.status();
    const poller::Reply& r = replies.value().front();
    if (r.type == poller::Reply::Type::kArray && r.elements.size() == 2 &&
        r.elements[1].type == poller::Reply::Type::kString) {
      const bool on = EvictionEventsOn(r.elements[1].text);
      if (!on && logged_events_ != false) {
        spdlog::warn(
            "{}: Redis does not announce evictions (notify-keyspace-events '{}', needs E and e): "
            "protected_key_evicted cannot fire; `redis-memwatch doctor` tells how to turn them on",
            name_, keyspace::EscapeKeyName(r.elements[1].text));
      }
      logged_events_ = on;
      return std::optional<bool>(on);
    }
    if (logged_events_.has_value() || !logged_unknown_) {
      spdlog::info("{}: CONFIG GET notify-keyspace-events refused; watching evictions anyway",
                   name_);
    }
    logged_unknown_ = true;
    logged_events_.reset();
    return std::optional<bool>();
  }

  // Puts the patterns and what is known of the events on the board (the
  // sampler may have dropped the target's entry since).
  void Publish(std::optional<bool> events) {
    board_->Update(name_, [&](KeyFamilies& f) {
      f.protected_keys.patterns = patterns_;
      if (events.has_value() || !f.protected_keys.eviction_events.value_or(false)) {
        f.protected_keys.eviction_events = events;
      }
    });
  }

  // One connection: until it fails or Stop.
  Status Session(Duration* backoff) {
    Result<std::optional<bool>> events = ReadEventsSetting();
    if (!events.ok()) return events.status();
    Publish(events.value());
    const std::vector<std::string> subscribe{"PSUBSCRIBE", std::string(kEvictedChannels)};
    if (Status s = client_.Send(subscribe, clock_->Now() + spec_.command_timeout); !s.ok()) {
      return s;
    }
    MonoTime checked = clock_->Now();
    while (!Stopping()) {
      Result<std::vector<poller::Reply>> got =
          client_.Receive(clock_->Now() + kEvictionReceiveSlice);
      if (!got.ok()) return got.status();
      std::vector<std::string> protected_keys;
      for (const poller::Reply& r : got.value()) {
        std::optional<std::string> key = EvictedKeyOf(r);
        if (!key) {
          if (r.type == poller::Reply::Type::kError) {
            // An ACL without the channel (Redis 7 gives new users none),
            // or PSUBSCRIBE not allowed at all.
            return Status::Error("PSUBSCRIBE " + std::string(kEvictedChannels) +
                                 " refused: " + keyspace::EscapeKeyName(r.text));
          }
          if (r.type == poller::Reply::Type::kArray && !r.elements.empty() &&
              r.elements[0].text == "psubscribe") {
            Subscribed(backoff);
          }
          continue;
        }
        const bool matches = std::any_of(
            spec_.patterns.begin(), spec_.patterns.end(),
            [&](const std::string& pattern) { return keyspace::GlobMatch(pattern, *key); });
        if (matches) protected_keys.push_back(std::move(*key));
      }
      if (!protected_keys.empty()) {
        const MonoTime now = clock_->Now();
        board_->Update(name_, [&](KeyFamilies& f) {
          f.protected_keys.patterns = patterns_;
          RecordEvictions(protected_keys, now, &f.protected_keys);
        });
        if (on_eviction_ && (!observed_ || now - *observed_ >= kEvictionPollEvery)) {
          observed_ = now;
          on_eviction_(name_);
        }
      }
      // Every few seconds: the patterns are still on the board.
      if (clock_->Now() - checked >= kRepublishEvery) {
        checked = clock_->Now();
        std::shared_ptr<const KeyFamilies> f = board_->Get(name_);
        if (!f || f->protected_keys.patterns != patterns_) Publish(logged_events_);
      }
    }
    return Status::Ok();
  }

  void Subscribed(Duration* backoff) {
    if (!last_error_.empty()) {
      spdlog::info("{}: eviction watch works again", name_);
    } else if (!announced_) {
      spdlog::info("{}: watching evictions of {} protected key pattern(s)", name_,
                   patterns_.size());
    }
    announced_ = true;
    last_error_.clear();
    *backoff = kEvictionFirstBackoff;
  }

  static constexpr Duration kRepublishEvery = std::chrono::seconds(5);

  const std::string name_;
  const Spec spec_;
  const std::vector<std::string> patterns_;  // escaped, for the board
  KeyFamilyBoard* const board_;
  const Clock* const clock_;
  const EvictionFn on_eviction_;
  std::optional<MonoTime> observed_;  // when on_eviction_ last ran
  poller::CommandClient client_;      // the watcher thread's
  std::string last_error_;            // the watcher thread's
  std::optional<bool> logged_events_;
  bool logged_unknown_ = false;
  bool announced_ = false;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

EvictionWatch::EvictionWatch(const config::Config& config, KeyFamilyBoard* board,
                             const Clock* clock)
    : board_(board), clock_(clock), specs_(SpecsOf(config)) {}

EvictionWatch::~EvictionWatch() { Stop(); }

std::map<std::string, EvictionWatch::Spec> EvictionWatch::SpecsOf(const config::Config& config) {
  std::map<std::string, Spec> out;
  const std::vector<poller::PollTarget> targets = PollProcessor::PollTargets(config);
  for (size_t i = 0; i < targets.size() && i < config.targets.size(); ++i) {
    const std::vector<std::string>& patterns = config.targets[i].keyspace.protected_patterns;
    if (patterns.empty()) continue;
    out[targets[i].name] =
        Spec{targets[i], patterns, std::max(config.timeout, kMinSamplerCommandTimeout)};
  }
  return out;
}

void EvictionWatch::Start() {
  started_ = true;
  StartWatchers(specs_);
}

void EvictionWatch::StartWatchers(std::map<std::string, Spec> specs) {
  std::map<std::string, std::unique_ptr<Watcher>> next;
  for (auto& [name, spec] : specs) {
    auto it = watchers_.find(name);
    auto was = specs_.find(name);
    if (it != watchers_.end() && was != specs_.end() && was->second == spec) {
      next[name] = std::move(it->second);
      continue;
    }
    if (it != watchers_.end()) {
      spdlog::info("{}: address or protected keys changed; eviction watch restarted", name);
      it->second.reset();
    }
    next[name] = std::make_unique<Watcher>(name, spec, board_, clock_, on_eviction_);
  }
  for (auto& [name, watcher] : watchers_) {
    if (!watcher || next.contains(name)) continue;
    watcher.reset();
    // No patterns any more: nothing protected to report for it.
    if (board_->Get(name)) board_->Update(name, [](KeyFamilies& f) { f.protected_keys = {}; });
  }
  watchers_ = std::move(next);
  specs_ = std::move(specs);
}

void EvictionWatch::Apply(const config::Config& config) {
  std::map<std::string, Spec> specs = SpecsOf(config);
  if (!started_) {
    specs_ = std::move(specs);
    return;
  }
  StartWatchers(std::move(specs));
}

void EvictionWatch::Stop() {
  for (auto& [name, watcher] : watchers_) {
    if (watcher) watcher->Stop();
  }
  watchers_.clear();
  started_ = false;
}

}  // namespace memwatch::app
