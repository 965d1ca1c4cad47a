#include "checks/all_checks.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "checks/check_spec.h"

namespace memwatch::checks {
namespace {

struct Factory {
  std::string_view name;
  std::unique_ptr<Check> (*make)();
};

constexpr Factory kFactories[] = {
    {"maxmemory_unset", &NewMaxmemoryUnsetCheck},
    {"noeviction", &NewNoevictionCheck},
    {"memory_high", &NewMemoryHighCheck},
    {"memory_headroom", &NewMemoryHeadroomCheck},
    {"eviction_ineffective", &NewEvictionIneffectiveCheck},
    {"evicting", &NewEvictingCheck},
    {"oom_rejections", &NewOomRejectionsCheck},
    {"command_timeouts", &NewCommandTimeoutsCheck},
    {"time_to_full", &NewTimeToFullCheck},
    {"no_ttl_growth", &NewNoTtlGrowthCheck},
    {"fragmentation", &NewFragmentationCheck},
    {"persistence_failing", &NewPersistenceFailingCheck},
    {"target_down", &NewTargetDownCheck},
};

}  // namespace

std::vector<std::unique_ptr<Check>> NewAllChecks() {
  std::vector<std::unique_ptr<Check>> checks;
  for (const CheckSpec& spec : AllChecks()) {
    const Factory* found = nullptr;
    for (const Factory& f : kFactories) {
      if (f.name == spec.name) found = &f;
    }
    if (found == nullptr) {
      (void)std::fprintf(stderr, "memwatch: check '%.*s' has no implementation\n",
                         static_cast<int>(spec.name.size()), spec.name.data());
      std::abort();
    }
    checks.push_back(found->make());
  }
  return checks;
}

}  // namespace memwatch::checks
