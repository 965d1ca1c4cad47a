#include "config/tls_reader.h"

#include <array>

#include <fmt/format.h>

#include "config/file_reader.h"
#include "config/tls_files.h"

namespace memwatch::config {
namespace {

// The block as written, before the checks that involve several keys.
struct TlsBlock {
  std::optional<Located<std::string>> ca_file, cert_file, key_file;
  std::string server_name;
  bool insecure_skip_verify = false;
};

void ReadCaFile(Walker& w, const Value& v, TlsBlock& b) {
  if (auto path = w.NonEmptyString(v, "a file path")) b.ca_file = {std::move(*path), v};
}

void ReadCertFile(Walker& w, const Value& v, TlsBlock& b) {
  if (auto path = w.NonEmptyString(v, "a file path")) b.cert_file = {std::move(*path), v};
}

void ReadKeyFile(Walker& w, const Value& v, TlsBlock& b) {
  if (auto path = w.NonEmptyString(v, "a file path")) b.key_file = {std::move(*path), v};
}

void ReadServerName(Walker& w, const Value& v, TlsBlock& b) {
  if (auto name = w.NonEmptyString(v, "a host name")) b.server_name = std::move(*name);
}

void ReadInsecureSkipVerify(Walker& w, const Value& v, TlsBlock& b) {
  if (std::optional<bool> skip = w.Bool(v)) b.insecure_skip_verify = *skip;
}

constexpr std::array<Field<TlsBlock>, 5> kTlsFields = {{
    {"ca_file", ReadCaFile},                           // default: the system's CA store
    {"cert_file", ReadCertFile},                       // default: no client certificate
    {"key_file", ReadKeyFile},                         // required with cert_file
    {"server_name", ReadServerName},                   // default: the address's host
    {"insecure_skip_verify", ReadInsecureSkipVerify},  // default false
}};

// Runs `check` on the file at `path` (resolved), reporting at `path.at`.
// Returns the resolved path iff the check passed.
template <typename Check>
std::optional<std::string> CheckFile(Walker& w, const Located<std::string>& path, Check check) {
  std::string resolved = ResolveConfigPath(path.value, w.file());
  const Status status = check(resolved);
  if (!status.ok()) {
    w.Error(path.at, status.message());
    return std::nullopt;
  }
  return resolved;
}

// The settings of a block read without error so far, or nullopt after
// reporting what is wrong with its files.
std::optional<TlsSettings> Validate(Walker& w, const TlsBlock& b) {
  TlsSettings out;
  out.server_name = b.server_name;
  out.insecure_skip_verify = b.insecure_skip_verify;
  bool ok = true;
  if (b.cert_file && !b.key_file) {
    w.Error(b.cert_file->at, "a client certificate needs its private key: set key_file too");
    ok = false;
  }
  if (b.key_file && !b.cert_file) {
    w.Error(b.key_file->at, "a private key needs its client certificate: set cert_file too");
    ok = false;
  }
  if (b.ca_file) {
    std::optional<std::string> ca = CheckFile(w, *b.ca_file, CheckCertificateFile);
    ok = ok && ca;
    if (ca) out.ca_file = std::move(*ca);
  }
  std::optional<std::string> cert, key;
  if (b.cert_file) cert = CheckFile(w, *b.cert_file, CheckCertificateFile);
  if (b.key_file) key = CheckFile(w, *b.key_file, CheckPrivateKeyFile);
  if (cert && key) {
    const Status match = CheckKeyMatchesCertificate(*cert, *key);
    if (!match.ok()) {
      w.Error(b.key_file->at, match.message());
      return std::nullopt;
    }
    out.cert_file = std::move(*cert);
    out.key_file = std::move(*key);
  } else if (b.cert_file || b.key_file) {
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace

TlsSpec ReadTls(Walker& w, const Value& v) {
  TlsSpec spec;
  spec.at = v;
  if (v.node.IsScalar()) {
    std::optional<bool> on = w.Bool(v);
    if (!on) return spec;
    spec.disabled = !*on;
    if (*on) spec.settings = TlsSettings{};
    return spec;
  }
  if (!v.node.IsMap()) {
    w.Error(v, fmt::format("expected true, false or a mapping of ca_file, cert_file, key_file, "
                           "server_name and insecure_skip_verify, found {}; tls: {{}} turns TLS on "
                           "with the defaults",
                           Walker::Describe(v.node)));
    return spec;
  }
  TlsBlock block;
  const size_t errors_before = w.error_count();
  w.ReadFields<TlsBlock>(v, kTlsFields, block);
  std::optional<TlsSettings> settings = Validate(w, block);
  if (w.error_count() == errors_before) spec.settings = std::move(settings);
  return spec;
}

std::vector<std::string> TlsKeys() {
  std::vector<std::string> keys;
  keys.reserve(kTlsFields.size());
  for (const Field<TlsBlock>& f : kTlsFields) keys.emplace_back(f.key);
  return keys;
}

}  // namespace memwatch::config
