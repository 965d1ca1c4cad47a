// `redis-memwatch test-alert`: sends one clearly marked test message to each
// configured receiver (or the one named by --receiver) and prints, per
// receiver, "delivered" or why not, never a secret.
#pragma once

#include "app/cli.h"

namespace memwatch::app {

// Returns 0 if every receiver accepted its message, 1 if any did not, 2 for
// a bad config, no receivers, or an unknown --receiver.
int RunTestAlert(const Command& cmd);

}  // namespace memwatch::app
