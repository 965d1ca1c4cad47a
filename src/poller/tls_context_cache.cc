#include "poller/tls_context_cache.h"

#include <algorithm>
#include <utility>

namespace memwatch::poller {

Result<std::shared_ptr<const TlsContext>> TlsContextCache::Get(const TlsSettings& settings) {
  const auto it = std::find_if(contexts_.begin(), contexts_.end(),
                               [&](const auto& c) { return c->settings() == settings; });
  if (it != contexts_.end() && !(*it)->Stale()) return *it;
  if (it != contexts_.end()) contexts_.erase(it);
  ++loads_;
  Result<std::shared_ptr<const TlsContext>> loaded = TlsContext::Load(settings);
  if (loaded.ok()) contexts_.push_back(loaded.value());
  return loaded;
}

}  // namespace memwatch::poller
