#include "harness/wait_for.h"

#include <thread>

namespace memwatch::testing {

bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // poll interval
  }
  return condition();
}

}  // namespace memwatch::testing
