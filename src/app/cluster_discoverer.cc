#include "app/cluster_discoverer.h"

#include <utility>

namespace memwatch::app {
namespace {

// Not built yet: finds nothing, so the group's nodes are not polled.
class UnbuiltClusterDiscoverer final : public GroupDiscoverer {
 public:
  explicit UnbuiltClusterDiscoverer(std::function<void()> wake) : wake_(std::move(wake)) {}
  GroupDiscovery Discover() override {
    return {
        .ok = false, .message = "cluster discovery is not built yet", .nodes = {}, .findings = {}};
  }

 private:
  std::function<void()> wake_;  // never called: there is nothing to follow
};

}  // namespace

std::unique_ptr<GroupDiscoverer> MakeClusterDiscoverer(const config::TargetConfig& /*group*/,
                                                       std::function<void()> wake) {
  return std::make_unique<UnbuiltClusterDiscoverer>(std::move(wake));
}

}  // namespace memwatch::app
