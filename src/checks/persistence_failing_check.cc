// persistence_failing: the last RDB background save, AOF write or AOF
// rewrite failed. Redis then cannot promise the data survives a restart and,
// with stop-writes-on-bgsave-error yes (the default), refuses writes with
// MISCONF. The usual cause in the incident's setting is a fork that fails
// for lack of memory. Critical; clears as soon as Redis reports ok again
// (these statuses change only when a save finishes, so they do not flap).
#include <fmt/format.h>

#include "checks/check.h"
#include "checks/format.h"
#include "checks/managed_fix.h"
#include "checks/snapshot_facts.h"

namespace memwatch::checks {
namespace {

class PersistenceFailingCheck final : public Check {
 public:
  PersistenceFailingCheck() : Check("persistence_failing") {}

  std::optional<Finding> Evaluate(const CheckContext& ctx) override {
    const Snapshot& s = *ctx.snapshot;
    std::vector<Evidence> evidence;
    std::vector<std::string_view> what;
    // A named Evidence, not push_back({...}): modernize-use-emplace would
    // ask for emplace_back(name, value), which clang 14 cannot compile for
    // an aggregate.
    auto failed = [&](const char* status_field, std::string_view description) {
      Evidence e{status_field, "err"};
      evidence.push_back(std::move(e));
      what.push_back(description);
    };
    if (s.rdb_last_bgsave_ok == false) {
      failed("rdb_last_bgsave_status", "the last background save (RDB)");
    }
    if (s.aof_last_write_ok == false) {
      failed("aof_last_write_status", "the last append-only file write");
    }
    if (s.aof_last_bgrewrite_ok == false) {
      failed("aof_last_bgrewrite_status", "the last append-only file rewrite");
    }
    if (what.empty()) return std::nullopt;

    if (s.rdb_changes_since_last_save.has_value()) {
      evidence.push_back({"writes not saved to disk", FormatCount(*s.rdb_changes_since_last_save)});
    }
    if (s.used_memory.has_value()) {
      evidence.push_back({"used_memory", DescribeUsed(*s.used_memory, ctx.limit)});
    }
    std::string summary = fmt::format(
        "Redis could not save its data to disk ({} failed): a restart would lose recent writes, "
        "and by default Redis now refuses writes with a MISCONF error",
        fmt::join(what, ", "));
    std::string fix =
        ctx.provider == Provider::kSelfManaged ? SelfManagedFix() : ManagedFix(ctx.provider);
    return MakeFinding(Severity::kCritical, std::move(summary), std::move(evidence),
                       std::move(fix));
  }

  void Reset() override {}

 private:
  static std::string SelfManagedFix() {
    return "Read the Redis log for the reason (e.g. \"Can't save in background: fork: Cannot "
           "allocate memory\", or a disk error).\n"
           "If the fork failed for memory: allow overcommit on the host so the fork need not "
           "reserve a full copy up front:\n"
           "  sysctl vm.overcommit_memory=1\n"
           "  /etc/sysctl.conf: vm.overcommit_memory = 1\n"
           "and keep maxmemory at most 75% of the memory limit (see memory_headroom).\n"
           "If the disk is full or not writable: check the directory from CONFIG GET dir (df -h, "
           "ls -ld <dir>).\n"
           "Then retry with BGSAVE (or BGREWRITEAOF) and check INFO persistence for status ok.\n"
           "stop-writes-on-bgsave-error yes (the default) keeps refusing writes with MISCONF until "
           "a save succeeds; CONFIG SET stop-writes-on-bgsave-error no lets writes through at the "
           "risk of losing them.";
  }

  // The service takes the snapshots (backups) and owns host and disk.
  static std::string ManagedFix(Provider p) {
    return fmt::format(
        "{} runs the saves: look for the failed backup or snapshot in the service's events "
        "(aws elasticache describe-events, the Azure activity log, gcloud logging). A fork "
        "that fails for memory needs more room outside the data: {}. Writes may be refused "
        "with MISCONF until a save succeeds; if they are, open a case with the provider.",
        ProviderTitle(p), MaxmemoryReserveHint(p));
  }
};

}  // namespace

std::unique_ptr<Check> NewPersistenceFailingCheck() {
  return std::make_unique<PersistenceFailingCheck>();
}

}  // namespace memwatch::checks
