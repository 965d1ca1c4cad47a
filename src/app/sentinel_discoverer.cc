#include "app/sentinel_discoverer.h"

#include <utility>

namespace memwatch::app {
namespace {

// Not built yet: finds nothing, so the group's nodes are not polled.
class UnbuiltSentinelDiscoverer final : public GroupDiscoverer {
 public:
  explicit UnbuiltSentinelDiscoverer(std::function<void()> wake) : wake_(std::move(wake)) {}
  GroupDiscovery Discover() override {
    return {
        .ok = false, .message = "sentinel discovery is not built yet", .nodes = {}, .findings = {}};
  }

 private:
  std::function<void()> wake_;  // never called: there is nothing to follow
};

}  // namespace

std::unique_ptr<GroupDiscoverer> MakeSentinelDiscoverer(const config::TargetConfig& /*group*/,
                                                        std::function<void()> wake) {
  return std::make_unique<UnbuiltSentinelDiscoverer>(std::move(wake));
}

}  // namespace memwatch::app
