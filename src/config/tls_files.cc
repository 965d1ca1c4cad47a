#include "config/tls_files.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <string_view>

#include <fmt/format.h>

#include "config/file_reader.h"

namespace memwatch::config {
namespace {

// Large enough for a full system CA bundle (about 200 KiB on Debian 12).
constexpr size_t kMaxPemFileBytes = size_t{4} * 1024 * 1024;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

// Never asks for a passphrase: without this callback OpenSSL would prompt
// on the terminal for an encrypted key.
int NoPassphrase(char*, int, int, void*) { return -1; }

// Leaves OpenSSL's per-thread error queue empty on every return path, so
// that the transport, which reads that queue after its own calls, never
// sees our failures.
class ErrorQueueCleaner {
 public:
  ErrorQueueCleaner() = default;
  ~ErrorQueueCleaner() { ERR_clear_error(); }
  ErrorQueueCleaner(const ErrorQueueCleaner&) = delete;
  ErrorQueueCleaner& operator=(const ErrorQueueCleaner&) = delete;
};

Result<std::string> ReadPemFile(const std::string& path) {
  Result<std::string> text = ReadSmallFile(path, kMaxPemFileBytes);
  if (!text.ok()) {
    return Status::Error(fmt::format("cannot read '{}': {}", path, text.status().message()));
  }
  return text;
}

std::unique_ptr<BIO, BioFree> MemoryBio(const std::string& text) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

X509Ptr FirstCertificate(const std::string& text) {
  auto bio = MemoryBio(text);
  return X509Ptr(bio ? PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr) : nullptr);
}

PkeyPtr PrivateKey(const std::string& text) {
  auto bio = MemoryBio(text);
  return PkeyPtr(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr)
                     : nullptr);
}

}  // namespace

Status CheckCertificateFile(const std::string& path) {
  ErrorQueueCleaner cleaner;
  Result<std::string> text = ReadPemFile(path);
  if (!text.ok()) return text.status();
  if (!FirstCertificate(text.value())) {
    return Status::Error(
        fmt::format("'{}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)", path));
  }
  return Status::Ok();
}

Status CheckPrivateKeyFile(const std::string& path) {
  ErrorQueueCleaner cleaner;
  Result<std::string> text = ReadPemFile(path);
  if (!text.ok()) return text.status();
  if (PrivateKey(text.value())) return Status::Ok();
  // Both PKCS#8 ("BEGIN ENCRYPTED PRIVATE KEY") and the traditional form
  // ("Proc-Type: 4,ENCRYPTED") say so in a header, outside the key itself.
  if (text.value().find("ENCRYPTED") != std::string::npos) {
    return Status::Error(fmt::format(
        "'{}' holds an encrypted private key; the daemon cannot ask for a passphrase: write the "
        "key unencrypted (openssl pkey -in KEY -out KEY.plain) and restrict the file's permissions",
        path));
  }
  return Status::Error(
      fmt::format("'{}' holds no PEM private key (-----BEGIN PRIVATE KEY-----)", path));
}

Status CheckKeyMatchesCertificate(const std::string& cert_path, const std::string& key_path) {
  ErrorQueueCleaner cleaner;
  Result<std::string> cert_text = ReadPemFile(cert_path);
  if (!cert_text.ok()) return cert_text.status();
  Result<std::string> key_text = ReadPemFile(key_path);
  if (!key_text.ok()) return key_text.status();
  const X509Ptr cert = FirstCertificate(cert_text.value());
  const PkeyPtr key = PrivateKey(key_text.value());
  if (!cert || !key) {
    return Status::Error(fmt::format("cannot load '{}' and '{}'", cert_path, key_path));
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return Status::Error(fmt::format(
        "the private key in '{}' does not belong to the certificate in '{}'", key_path, cert_path));
  }
  return Status::Ok();
}

}  // namespace memwatch::config
