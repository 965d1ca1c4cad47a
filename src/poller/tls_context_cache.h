// The TLS contexts of one poller: one per distinct TlsSettings, loaded when
// a connection first needs it, and loaded again when a file it came from
// changed on disk (managed services rotate server CAs; client certificates
// rotate too) or after Clear() (a reload). A session holds its context, so
// a context dropped from the cache never breaks an open connection. Used on
// the poller's loop thread only.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "memwatch/result.h"
#include "memwatch/tls_settings.h"
#include "poller/tls_context.h"

namespace memwatch::poller {

class TlsContextCache {
 public:
  // The context for `settings`: the one loaded before, unless it is stale
  // (TlsContext::Stale); then, or the first time, loaded now. A failed load
  // is not kept: the next call tries again.
  Result<std::shared_ptr<const TlsContext>> Get(const TlsSettings& settings);

  // Forgets every context: each is loaded again when next needed.
  void Clear() { contexts_.clear(); }

  // How many contexts were loaded so far, failed loads included.
  size_t loads() const { return loads_; }

 private:
  // A handful of distinct settings per daemon: a linear search is enough.
  std::vector<std::shared_ptr<const TlsContext>> contexts_;
  size_t loads_ = 0;
};

}  // namespace memwatch::poller
