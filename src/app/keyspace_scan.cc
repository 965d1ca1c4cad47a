#include "app/keyspace_scan.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "keyspace/cycle.h"

namespace memwatch::app {
namespace {

using poller::Reply;

std::optional<uint64_t> ParseUint(std::string_view text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

bool IsText(const Reply& r) {
  return r.type == Reply::Type::kString || r.type == Reply::Type::kStatus;
}

std::string Describe(const Reply& r) {
  switch (r.type) {
    case Reply::Type::kError:
      return "an error (" + r.text + ")";
    case Reply::Type::kString:
    case Reply::Type::kStatus:
      return "a string";
    case Reply::Type::kInteger:
      return "an integer";
    case Reply::Type::kNil:
      return "nil";
    case Reply::Type::kArray:
      return "an array";
  }
  return "an unknown reply";
}

Status Unexpected(std::string_view command, const Reply& r) {
  return Status::Error(fmt::format("{} answered {}", command, Describe(r)));
}

bool IsSamplingCommand(std::string_view name) {
  return name == "scan" || name == "type" || name == "ttl" || name == "memory" ||
         name.starts_with("memory|");
}

// One pipeline of one command, its single reply.
Result<Reply> One(const PipelineFn& pipeline, Argv command, MonoTime deadline) {
  Result<std::vector<Reply>> r = pipeline({std::move(command)}, deadline);
  if (!r.ok()) return r.status();
  if (r.value().size() != 1) return Status::Error("a pipeline returned the wrong reply count");
  return std::move(r.value().front());
}

Result<uint64_t> ReadDbsize(const PipelineFn& pipeline, MonoTime deadline) {
  Result<Reply> r = One(pipeline, {"DBSIZE"}, deadline);
  if (!r.ok()) return r.status();
  if (r.value().type != Reply::Type::kInteger || r.value().integer < 0) {
    return Unexpected("DBSIZE", r.value());
  }
  return static_cast<uint64_t>(r.value().integer);
}

// The state of one scan: the sampler, the budget and what was counted.
class Scan {
 public:
  Scan(const PipelineFn& pipeline, const Clock& clock, const KeyspaceScanOptions& options)
      : pipeline_(pipeline),
        clock_(clock),
        options_(options),
        sampler_(options.sampler),
        budget_(options.budget) {}

  // Spends up to `allowed` keys on the Sampler loop, within one cycle;
  // returns the keys spent.
  Result<uint64_t> Step(uint64_t allowed) {
    Result<SampleStepResult> r =
        SampleStep(pipeline_, clock_, options_.command_timeout, sampler_, allowed, 1);
    if (!r.ok()) return r.status();
    keys_scanned_ += r.value().keys_scanned;
    return r.value().spent;
  }

  keyspace::Sampler& sampler() { return sampler_; }
  keyspace::SamplingBudget& budget() { return budget_; }
  uint64_t keys_scanned() const { return keys_scanned_; }
  MonoTime Deadline() const { return clock_.Now() + options_.command_timeout; }

 private:
  const PipelineFn& pipeline_;
  const Clock& clock_;
  const KeyspaceScanOptions& options_;
  keyspace::Sampler sampler_;
  keyspace::SamplingBudget budget_;
  uint64_t keys_scanned_ = 0;  // keys SCAN returned, repeats included
};

double SecondsBetween(MonoTime from, MonoTime to) {
  return std::chrono::duration<double>(to - from).count();
}

// The share of [start, end] that has passed at `now`, in 0..1.
double Fraction(MonoTime start, MonoTime now, MonoTime end) {
  if (end <= start) return 1;
  return std::clamp(SecondsBetween(start, now) / SecondsBetween(start, end), 0.0, 1.0);
}

}  // namespace

Result<uint64_t> ReadSamplingUsec(const PipelineFn& pipeline, MonoTime deadline) {
  Result<Reply> r = One(pipeline, {"INFO", "commandstats"}, deadline);
  if (!r.ok()) return r.status();
  if (!IsText(r.value())) return Unexpected("INFO commandstats", r.value());
  return SamplingUsecFromCommandstats(r.value().text);
}

Result<SampleStepResult> SampleStep(const PipelineFn& pipeline, const Clock& clock,
                                    Duration command_timeout, keyspace::Sampler& sampler,
                                    uint64_t allowed, uint64_t stop_at_cycles) {
  SampleStepResult out;
  uint64_t n = allowed;
  while (n > 0 && sampler.cycles_completed() < stop_at_cycles) {
    if (sampler.WantsScan(clock.Now())) {
      Result<Reply> r =
          One(pipeline, ScanCommand(sampler.NextScan()), clock.Now() + command_timeout);
      if (!r.ok()) return r.status();
      Result<keyspace::ScanPage> page = ScanPageFromReply(r.value());
      if (!page.ok()) return page.status();
      out.keys_scanned += page.value().keys.size();
      sampler.OnScanPage(std::move(page.value()), clock.Now());
      n -= 1;  // so a run of empty pages ends too
      continue;
    }
    std::vector<keyspace::KeyRequest> batch =
        sampler.NextKeys(std::min<uint64_t>(n, kMaxBatchKeys));
    if (batch.empty()) break;  // waiting: the cycle gap, or facts due
    n -= batch.size();
    Result<std::vector<Reply>> replies =
        pipeline(KeyCommands(batch), clock.Now() + command_timeout);
    if (!replies.ok()) return replies.status();
    Result<std::vector<keyspace::KeyFacts>> facts = KeyFactsFromReplies(batch, replies.value());
    if (!facts.ok()) return facts.status();
    out.keys += batch.size();
    sampler.OnKeyFacts(facts.value(), clock.Now());
  }
  out.spent = allowed - n;
  return out;
}

Argv ScanCommand(const keyspace::ScanRequest& request) {
  return {"SCAN", std::to_string(request.cursor), "COUNT", std::to_string(request.count)};
}

std::vector<Argv> KeyCommands(const std::vector<keyspace::KeyRequest>& requests) {
  std::vector<Argv> out;
  out.reserve(requests.size() * 3);
  for (const keyspace::KeyRequest& r : requests) {
    out.push_back({"TYPE", r.key});
    out.push_back({"TTL", r.key});
    if (r.memory_usage) out.push_back({"MEMORY", "USAGE", r.key, "SAMPLES", "0"});
  }
  return out;
}

Result<keyspace::ScanPage> ScanPageFromReply(const Reply& reply) {
  if (reply.type != Reply::Type::kArray || reply.elements.size() != 2) {
    return reply.type == Reply::Type::kArray ? Status::Error("SCAN answered a malformed array")
                                             : Unexpected("SCAN", reply);
  }
  const Reply& cursor = reply.elements[0];
  const Reply& keys = reply.elements[1];
  const std::optional<uint64_t> next = IsText(cursor) ? ParseUint(cursor.text) : std::nullopt;
  if (!next) return Status::Error("SCAN answered a cursor that is not a number");
  if (keys.type != Reply::Type::kArray)
    return Status::Error("SCAN answered keys that are no array");
  keyspace::ScanPage page;
  page.next_cursor = *next;
  page.keys.reserve(keys.elements.size());
  for (const Reply& k : keys.elements) {
    if (k.type != Reply::Type::kString)
      return Status::Error("SCAN answered a key that is no string");
    page.keys.push_back(k.text);
  }
  return page;
}

Result<std::vector<keyspace::KeyFacts>> KeyFactsFromReplies(
    const std::vector<keyspace::KeyRequest>& requests, const std::vector<Reply>& replies) {
  std::vector<keyspace::KeyFacts> out;
  out.reserve(requests.size());
  size_t i = 0;
  for (const keyspace::KeyRequest& r : requests) {
    const size_t needed = r.memory_usage ? 3 : 2;
    if (replies.size() < i + needed) {
      return Status::Error("fewer replies than commands for TYPE/TTL/MEMORY USAGE");
    }
    const Reply& type = replies[i];
    const Reply& ttl = replies[i + 1];
    if (!IsText(type)) return Unexpected("TYPE", type);
    if (ttl.type != Reply::Type::kInteger) return Unexpected("TTL", ttl);
    keyspace::KeyFacts facts{.key = r.key, .type = type.text, .ttl = ttl.integer, .bytes = {}};
    if (r.memory_usage) {
      const Reply& bytes = replies[i + 2];
      if (bytes.type == Reply::Type::kInteger) {
        facts.bytes = bytes.integer;
      } else if (bytes.type != Reply::Type::kError && bytes.type != Reply::Type::kNil) {
        return Unexpected("MEMORY USAGE", bytes);
      }
    }
    i += needed;
    out.push_back(std::move(facts));
  }
  if (i != replies.size()) return Status::Error("more replies than commands for TYPE/TTL");
  return out;
}

uint64_t SamplingUsecFromCommandstats(std::string_view info) {
  constexpr std::string_view kPrefix = "cmdstat_";
  constexpr std::string_view kUsec = "usec=";
  uint64_t total = 0;
  while (!info.empty()) {
    const size_t eol = info.find('\n');
    std::string_view line = info.substr(0, eol);
    info = eol == std::string_view::npos ? std::string_view{} : info.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t colon = line.find(':');
    if (!line.starts_with(kPrefix) || colon == std::string_view::npos) continue;
    if (!IsSamplingCommand(line.substr(kPrefix.size(), colon - kPrefix.size()))) continue;
    std::string_view fields = line.substr(colon + 1);
    // usec= as a whole field: at the start or after a comma (not usec_per_call=).
    size_t at = fields.starts_with(kUsec) ? 0 : fields.find(",usec=");
    if (at == std::string_view::npos) continue;
    if (at != 0) at += 1;
    std::string_view value = fields.substr(at + kUsec.size());
    value = value.substr(0, value.find(','));
    total += ParseUint(value).value_or(0);
  }
  return total;
}

Result<KeyspaceScanResult> RunKeyspaceScan(const PipelineFn& pipeline, const Clock& clock,
                                           const SleepFn& sleep, const KeyspaceScanOptions& options,
                                           const ProgressFn& progress) {
  const MonoTime start = clock.Now();
  const MonoTime end = start + options.scan_time;
  Scan scan(pipeline, clock, options);
  Result<uint64_t> usec_before = ReadSamplingUsec(pipeline, scan.Deadline());
  if (!usec_before.ok()) return usec_before.status();
  uint64_t usec_total = 0;
  uint64_t usec_last = usec_before.value();
  while (clock.Now() < end && scan.sampler().cycles_completed() == 0) {
    const MonoTime interval_start = clock.Now();
    Result<uint64_t> spent = scan.Step(scan.budget().Allow(options.interval, interval_start));
    if (!spent.ok()) return spent.status();
    Result<uint64_t> usec = ReadSamplingUsec(pipeline, scan.Deadline());
    if (!usec.ok()) return usec.status();
    // A counter that went down (CONFIG RESETSTAT) counts from zero.
    const uint64_t delta = usec.value() >= usec_last ? usec.value() - usec_last : usec.value();
    usec_last = usec.value();
    usec_total += delta;
    const MonoTime now = clock.Now();
    scan.budget().OnCost(spent.value(), delta, now);
    const keyspace::Cycle* done = scan.sampler().last_complete();
    if (progress) {
      progress({.fraction = done != nullptr ? 1.0 : Fraction(start, now, end),
                .keys = done != nullptr ? done->sampled() : scan.sampler().current().sampled(),
                .seconds = SecondsBetween(start, now)});
    }
    const MonoTime wake = std::min(interval_start + options.interval, end);
    if (done == nullptr && now < wake) sleep(std::chrono::duration_cast<Duration>(wake - now));
  }
  Result<uint64_t> total = ReadDbsize(pipeline, scan.Deadline());
  if (!total.ok()) return total.status();
  const MonoTime now = clock.Now();
  KeyspaceScanResult result;
  std::optional<keyspace::KeyspaceSummary> complete =
      scan.sampler().SummarizeLastComplete(total.value());
  result.summary =
      complete ? std::move(*complete) : scan.sampler().SummarizeInProgress(total.value(), now);
  result.scan = {.seconds = SecondsBetween(start, now),
                 .keys_scanned = scan.keys_scanned(),
                 .cut_short = !complete.has_value()};
  result.redis_usec = usec_total;
  return result;
}

PipelineFn WithReadOnly(PipelineFn pipeline) {
  return [inner = std::move(pipeline)](const std::vector<Argv>& commands,
                                       MonoTime deadline) -> Result<std::vector<poller::Reply>> {
    if (commands.empty()) return inner(commands, deadline);
    std::vector<Argv> with_readonly;
    with_readonly.reserve(commands.size() + 1);
    with_readonly.push_back({"READONLY"});
    with_readonly.insert(with_readonly.end(), commands.begin(), commands.end());
    Result<std::vector<poller::Reply>> r = inner(with_readonly, deadline);
    if (!r.ok()) return r;
    std::vector<poller::Reply> replies = std::move(r).value();
    if (replies.empty()) return Status::Error("READONLY: no reply");
    const poller::Reply readonly = std::move(replies.front());
    replies.erase(replies.begin());
    if (readonly.type != poller::Reply::Type::kError) return replies;
    // A primary needs no READONLY; a replica without it redirects: say why.
    for (const poller::Reply& reply : replies) {
      if (reply.type == poller::Reply::Type::kError && reply.text.starts_with("MOVED")) {
        return Status::Error("the replica redirects keyed reads (" + reply.text +
                             ") because it refused READONLY (" + readonly.text +
                             "): the monitoring user needs +readonly on cluster nodes");
      }
    }
    return replies;
  };
}

}  // namespace memwatch::app
