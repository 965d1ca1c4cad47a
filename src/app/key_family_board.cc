#include "app/key_family_board.h"

#include <optional>
#include <utility>
#include <vector>

namespace memwatch::app {

void KeyFamilyBoard::PublishSample(const std::string& target, KeyFamilies families) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(target);
  if (it != entries_.end() && it->second) {
    const ProtectedKeys& was = it->second->protected_keys;
    ProtectedKeys& now = families.protected_keys;
    now.evicted_total = was.evicted_total;
    now.last_evicted = was.last_evicted;
    now.evicted_examples = was.evicted_examples;
    now.eviction_events = was.eviction_events;
  }
  entries_[target] = std::make_shared<const KeyFamilies>(std::move(families));
}

void KeyFamilyBoard::Remove(const std::string& target) {
  std::lock_guard lock(mu_);
  entries_.erase(target);
}

void KeyFamilyBoard::SetStandIns(std::map<std::string, std::string> stand_ins) {
  std::lock_guard lock(mu_);
  stand_ins_ = std::move(stand_ins);
}

std::shared_ptr<const KeyFamilies> KeyFamilyBoard::Get(const std::string& target) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(target);
  std::shared_ptr<const KeyFamilies> own = it == entries_.end() ? nullptr : it->second;
  if (own && own->sampled_keys > 0) return own;
  auto stand_in = stand_ins_.find(target);
  if (stand_in == stand_ins_.end()) return own;
  auto other = entries_.find(stand_in->second);
  if (other == entries_.end() || !other->second) return own;
  KeyFamilies merged = *other->second;
  merged.sampled_on = stand_in->second;
  // Evictions are the primary's own: its eviction watcher records them.
  merged.protected_keys.evicted_total = own ? own->protected_keys.evicted_total : 0;
  merged.protected_keys.last_evicted =
      own ? own->protected_keys.last_evicted : std::optional<MonoTime>();
  merged.protected_keys.evicted_examples =
      own ? own->protected_keys.evicted_examples : std::vector<std::string>();
  merged.protected_keys.eviction_events =
      own ? own->protected_keys.eviction_events : std::optional<bool>();
  return std::make_shared<const KeyFamilies>(std::move(merged));
}

}  // namespace memwatch::app
