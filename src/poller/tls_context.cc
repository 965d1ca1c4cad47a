#include "poller/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <utility>

#include <fmt/format.h>

#include "poller/openssl_error.h"

namespace memwatch::poller {
namespace {

struct CtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};

}  // namespace

TlsContext::TlsContext(SSL_CTX* ctx, TlsSettings settings)
    : ctx_(ctx), settings_(std::move(settings)) {}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

TlsContext::FileStamp TlsContext::Stamp(const struct stat& st) {
  return FileStamp{st.st_dev, st.st_ino, st.st_size, st.st_mtim, st.st_ctim};
}

bool TlsContext::Same(const FileStamp& a, const FileStamp& b) {
  const auto same_time = [](const timespec& x, const timespec& y) {
    return x.tv_sec == y.tv_sec && x.tv_nsec == y.tv_nsec;
  };
  return a.dev == b.dev && a.ino == b.ino && a.size == b.size && same_time(a.mtime, b.mtime) &&
         same_time(a.ctime, b.ctime);
}

bool TlsContext::Stale() const {
  for (const auto& [path, stamp] : files_) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0 || !Same(Stamp(st), stamp)) return true;
  }
  return false;
}

Result<std::shared_ptr<const TlsContext>> TlsContext::Load(const TlsSettings& settings) {
  ERR_clear_error();
  std::unique_ptr<SSL_CTX, CtxFree> ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx || SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1) {
    return Status::Error("TLS: cannot create a context: " + TakeOpenSslError());
  }
  // Stamped before they are read: a file replaced while loading makes the
  // context stale, so the next connection loads it again.
  std::vector<std::pair<std::string, FileStamp>> files;
  for (const std::string* path : {&settings.ca_file, &settings.cert_file, &settings.key_file}) {
    struct stat st {};
    if (!path->empty() && stat(path->c_str(), &st) == 0) files.emplace_back(*path, Stamp(st));
  }
  if (settings.ca_file.empty()) {
    if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
      return Status::Error("TLS: cannot load the system's CA store: " + TakeOpenSslError());
    }
  } else if (SSL_CTX_load_verify_locations(ctx.get(), settings.ca_file.c_str(), nullptr) != 1) {
    return Status::Error(
        fmt::format("TLS: cannot load tls.ca_file {}: {}", settings.ca_file, TakeOpenSslError()));
  }
  if (!settings.cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx.get(), settings.cert_file.c_str()) != 1) {
      return Status::Error(fmt::format("TLS: cannot load tls.cert_file {}: {}", settings.cert_file,
                                       TakeOpenSslError()));
    }
    if (SSL_CTX_use_PrivateKey_file(ctx.get(), settings.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      return Status::Error(fmt::format("TLS: cannot load tls.key_file {}: {}", settings.key_file,
                                       TakeOpenSslError()));
    }
    if (SSL_CTX_check_private_key(ctx.get()) != 1) {
      ERR_clear_error();
      return Status::Error(fmt::format("TLS: tls.key_file {} does not match tls.cert_file {}",
                                       settings.key_file, settings.cert_file));
    }
  }
  std::shared_ptr<TlsContext> loaded(new TlsContext(ctx.release(), settings));
  loaded->files_ = std::move(files);
  return std::shared_ptr<const TlsContext>(std::move(loaded));
}

}  // namespace memwatch::poller
