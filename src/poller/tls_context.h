// One OpenSSL client context: the CA, the client certificate and its key
// loaded from disk for one TlsSettings, shared by every session made with
// those settings. It remembers which files it was built from (device,
// inode, size, modification and change times), so a cache can tell when a
// certificate or key was replaced on disk and build it again.
#pragma once

#include <openssl/types.h>
#include <sys/stat.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "memwatch/result.h"
#include "memwatch/tls_settings.h"

namespace memwatch::poller {

class TlsContext {
 public:
  // Loads the files of `settings`. Fails (the message names the file and
  // the key, never the file's content) when a CA, certificate or key file
  // cannot be loaded, or the key does not match the certificate.
  static Result<std::shared_ptr<const TlsContext>> Load(const TlsSettings& settings);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // Valid as long as this object; SSL_new takes its own reference.
  SSL_CTX* get() const { return ctx_; }
  const TlsSettings& settings() const { return settings_; }

  // True iff a file it was loaded from is no longer the same on disk
  // (replaced, rewritten or gone).
  bool Stale() const;

 private:
  struct FileStamp {
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    timespec mtime{};
    timespec ctime{};
  };
  static FileStamp Stamp(const struct stat& st);
  static bool Same(const FileStamp& a, const FileStamp& b);

  TlsContext(SSL_CTX* ctx, TlsSettings settings);

  SSL_CTX* ctx_;
  TlsSettings settings_;
  std::vector<std::pair<std::string, FileStamp>> files_;  // stamped before loading
};

}  // namespace memwatch::poller
