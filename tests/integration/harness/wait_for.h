// Waiting on a condition with a deadline: the one way integration tests
// synchronise with a child process, a server thread or a file.
#pragma once

#include <chrono>
#include <functional>

namespace memwatch::testing {

// Polls `condition` every 20 ms until it holds or `timeout` passes; returns
// whether it held (checked once more at the deadline).
bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The same, under the name the notifier tests use.
inline bool PollUntil(const std::function<bool()>& condition,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  return WaitFor(condition, timeout);
}

}  // namespace memwatch::testing
