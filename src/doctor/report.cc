#include "doctor/report.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checks/format.h"

namespace memwatch::doctor {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) { return std::toupper(c); });
  return out;
}

std::string Indent(std::string_view text, std::string_view prefix) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out += prefix;
    out.append(text.substr(start, end - start));
    out += '\n';
    start = end + 1;
  }
  return out;
}

std::string ServerLine(const Snapshot& s, Provider provider) {
  std::string server = s.server_name.value_or("redis") == "valkey" ? "Valkey " : "Redis ";
  server += s.valkey_version ? *s.valkey_version : s.redis_version.value_or("(unknown version)");
  if (provider != Provider::kSelfManaged) {
    server += fmt::format(" on {} (settings change in its console or CLI, not CONFIG SET)",
                          ProviderTitle(provider));
  }
  return server;
}

std::string MemoryLine(const Snapshot& s, const std::optional<EffectiveLimit>& limit) {
  if (!s.used_memory) return "memory: used_memory not reported";
  std::string line = fmt::format("memory: {} used", checks::FormatBytes(*s.used_memory));
  if (limit) {
    line +=
        fmt::format(" of {} ({:.0f}%), limit from {}", checks::FormatBytes(limit->bytes),
                    100.0 * static_cast<double>(*s.used_memory) / static_cast<double>(limit->bytes),
                    limit->source);
    if (limit->source == "total_system_memory") line += " (the host's RAM)";
  }
  return line;
}

std::string KeysLine(const Snapshot& s) {
  int64_t keys = s.TotalKeys();
  int64_t ttl = s.TotalExpires();
  return fmt::format("keys: {} ({} with a TTL, {} without); policy: {}", keys, ttl, keys - ttl,
                     s.maxmemory_policy.value_or("unknown"));
}

KeyspaceContext ContextOf(const TargetReport& r) {
  KeyspaceContext context;
  if (r.snapshot) {
    context.maxmemory_policy = r.snapshot->maxmemory_policy.value_or("");
    context.limit_set = r.snapshot->maxmemory.value_or(0) > 0;
  }
  context.scan = r.keyspace_scan;
  return context;
}

// The keyspace section after the findings, "" when there is none.
std::string KeyspaceText(const TargetReport& r) {
  std::string out;
  if (r.keyspace) {
    out = "\n" + FormatKeyspaceText(*r.keyspace, ContextOf(r));
  } else if (!r.keyspace_skipped.empty()) {
    out = "\n" + FormatKeyspaceSkippedText(r.keyspace_skipped);
  }
  if (r.eviction_events) out += "\n" + FormatEvictionEventsText(*r.eviction_events);
  return out;
}

}  // namespace

int ExitCode(const std::vector<TargetReport>& reports) {
  int code = kDoctorHealthy;
  for (const TargetReport& r : reports) {
    if (r.failure != PollFailure::kNone) return kDoctorUnreachable;
    for (const Finding& f : r.findings) {
      if (f.severity == Severity::kCritical) code = std::max(code, kDoctorCritical);
      if (f.severity == Severity::kWarning) code = std::max(code, kDoctorWarning);
    }
  }
  return code;
}

std::string FormatText(const std::vector<TargetReport>& reports) {
  std::string out;
  for (const TargetReport& r : reports) {
    out += r.name == r.address ? r.name + "\n" : fmt::format("{} ({})\n", r.name, r.address);
    if (r.failure != PollFailure::kNone) {
      out += fmt::format("  could not poll it: {} ({})\n", r.error, PollFailureName(r.failure));
      out += r.failure == PollFailure::kTls
                 ? "  the TLS error above says what to change (tls: in the config, or doctor's "
                   "--tls-* options).\n\n"
                 : "  check that Redis runs, that the address and port are right, and the "
                   "password.\n\n";
      continue;
    }
    const Snapshot& s = *r.snapshot;
    if (r.tls_unverified) {
      out +=
          "  WARNING: TLS without verifying the server (tls.insecure_skip_verify): anyone on "
          "the path can pose as it\n";
    }
    out += fmt::format("  {}\n  {}\n", ServerLine(s, r.provider), MemoryLine(s, r.limit));
    if (!r.container.empty()) out += fmt::format("  container: {}\n", r.container);
    out += fmt::format("  {}\n", KeysLine(s));
    if (r.findings.empty()) {
      out += "\n  OK: no risk found.\n";
      out += KeyspaceText(r) + '\n';
      continue;
    }
    for (const Finding& f : r.findings) {
      out += fmt::format("\n  {} {}: {}\n", Upper(SeverityName(f.severity)), f.check, f.summary);
      for (const Evidence& e : f.evidence) {
        out += fmt::format("    {}: {}\n", e.name, e.value);
      }
      out += "    fix:\n";
      out += Indent(f.fix, "      ");
    }
    out += KeyspaceText(r) + '\n';
  }
  int critical = 0;
  int warnings = 0;
  int unreachable = 0;
  for (const TargetReport& r : reports) {
    unreachable += r.failure != PollFailure::kNone;
    for (const Finding& f : r.findings) {
      critical += f.severity == Severity::kCritical;
      warnings += f.severity == Severity::kWarning;
    }
  }
  out += fmt::format("{} target(s): {} critical, {} warning(s), {} unreachable\n", reports.size(),
                     critical, warnings, unreachable);
  return out;
}

std::string FormatJson(const std::vector<TargetReport>& reports) {
  nlohmann::json targets = nlohmann::json::array();
  for (const TargetReport& r : reports) {
    nlohmann::json t{{"name", r.name}, {"address", r.address}};
    if (r.failure != PollFailure::kNone) {
      t["status"] = "unreachable";
      t["error"] = {{"reason", PollFailureName(r.failure)}, {"message", r.error}};
    } else {
      t["status"] = "ok";
      const Snapshot& s = *r.snapshot;
      if (s.redis_version) t["redis_version"] = *s.redis_version;
      t["provider"] = ProviderName(r.provider);
      if (s.used_memory) t["used_memory_bytes"] = *s.used_memory;
      if (s.maxmemory) t["maxmemory_bytes"] = *s.maxmemory;
      if (s.maxmemory_policy) t["maxmemory_policy"] = *s.maxmemory_policy;
      if (r.limit) {
        t["memory_limit"] = {{"bytes", r.limit->bytes}, {"source", r.limit->source}};
      }
      if (!r.container.empty()) t["container"] = r.container;
      t["keys"] = s.TotalKeys();
      t["keys_with_ttl"] = s.TotalExpires();
    }
    nlohmann::json findings = nlohmann::json::array();
    for (const Finding& f : r.findings) {
      nlohmann::json evidence = nlohmann::json::object();
      for (const Evidence& e : f.evidence) evidence[e.name] = e.value;
      findings.push_back({{"check", f.check},
                          {"severity", SeverityName(f.severity)},
                          {"summary", f.summary},
                          {"evidence", evidence},
                          {"fix", f.fix}});
    }
    t["findings"] = findings;
    if (r.keyspace) {
      t["keyspace"] = KeyspaceJson(*r.keyspace, ContextOf(r));
    } else if (!r.keyspace_skipped.empty()) {
      t["keyspace"] = KeyspaceSkippedJson(r.keyspace_skipped);
    }
    if (r.eviction_events) t["eviction_events"] = EvictionEventsJson(*r.eviction_events);
    targets.push_back(t);
  }
  nlohmann::json doc{{"exit_code", ExitCode(reports)}, {"targets", targets}};
  return doc.dump(2) + "\n";
}

}  // namespace memwatch::doctor
