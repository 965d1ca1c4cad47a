#include "discovery/sentinel_nodes.h"

namespace memwatch::discovery {

std::vector<NodeAddress> SentinelNodes::Replicas(const GroupView& view, MonoTime now) {
  if (!view.primary) return {};
  last_healthy_[*view.primary] = now;
  for (const ReplicaView& r : view.replicas) {
    if (!r.down) last_healthy_[r.address] = now;
  }
  std::vector<NodeAddress> out;
  for (auto it = last_healthy_.begin(); it != last_healthy_.end();) {
    if (now - it->second > hold_) {
      it = last_healthy_.erase(it);
      continue;
    }
    if (it->first != *view.primary) out.push_back(it->first);
    ++it;
  }
  return out;
}

}  // namespace memwatch::discovery
