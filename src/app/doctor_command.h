// `redis-memwatch doctor`: poll each target once, run the checks on what
// came back, print the report. I/O lives here; the report itself is pure
// (src/doctor/report.h).
#pragma once

#include "app/cli.h"

namespace memwatch::app {

// Returns doctor's exit code (see doctor::ExitCode; 3 also for bad config).
int RunDoctor(const Command& cmd);

}  // namespace memwatch::app
