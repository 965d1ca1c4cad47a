#include "app/key_family_board.h"

#include <utility>

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

std::shared_ptr<const KeyFamilies> KeyFamilyBoard::Get(const std::string& target) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(target);
  return it == entries_.end() ? nullptr : it->second;
}

}  // namespace memwatch::app
