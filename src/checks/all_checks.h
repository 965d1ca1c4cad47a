// Factories for every check. Each check lives in its own file, in an
// anonymous namespace; only its factory is visible.
#pragma once

#include <memory>
#include <vector>

#include "checks/check.h"

namespace memwatch::checks {

std::unique_ptr<Check> NewMaxmemoryUnsetCheck();
std::unique_ptr<Check> NewNoevictionCheck();
std::unique_ptr<Check> NewMemoryHighCheck();
std::unique_ptr<Check> NewMemoryHeadroomCheck();
std::unique_ptr<Check> NewEvictionIneffectiveCheck();
std::unique_ptr<Check> NewEvictingCheck();
std::unique_ptr<Check> NewOomRejectionsCheck();
std::unique_ptr<Check> NewCommandTimeoutsCheck();
std::unique_ptr<Check> NewTimeToFullCheck();
std::unique_ptr<Check> NewNoTtlGrowthCheck();
std::unique_ptr<Check> NewFragmentationCheck();
std::unique_ptr<Check> NewPersistenceFailingCheck();
std::unique_ptr<Check> NewTargetDownCheck();

// One fresh instance of every check, in AllChecks() order. A name in the
// spec without an implementation is a bug: it aborts.
std::vector<std::unique_ptr<Check>> NewAllChecks();

}  // namespace memwatch::checks
