#include "poller/tls_session.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <array>
#include <ctime>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "poller/openssl_error.h"

namespace memwatch::poller {
namespace {

constexpr size_t kReadChunk = size_t{16} * 1024;

struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};
struct NamesFree {
  void operator()(GENERAL_NAMES* n) const { GENERAL_NAMES_free(n); }
};

// What verification saw of the server's own certificate (depth 0), for
// messages: set by VerifyCallback through the SSL's app data.
struct VerifyRecord {
  long first_error = X509_V_OK;    // NOLINT(google-runtime-int): OpenSSL's type
  std::vector<std::string> names;  // "DNS:redis.test", "IP:127.0.0.1"
  std::string subject_cn;
  std::optional<int64_t> not_after;
};

bool IsIpLiteral(const std::string& host) {
  in_addr v4{};
  in6_addr v6{};
  return inet_pton(AF_INET, host.c_str(), &v4) == 1 || inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

std::optional<int64_t> NotAfter(const X509* cert) {
  std::tm tm{};
  if (cert == nullptr || ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

std::vector<std::string> AltNames(X509* cert) {
  std::vector<std::string> out;
  std::unique_ptr<GENERAL_NAMES, NamesFree> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names.get(), i);
    if (n->type == GEN_DNS) {
      const ASN1_STRING* s = n->d.dNSName;
      out.push_back(fmt::format(
          "DNS:{}", std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                     ASN1_STRING_length(s))));
    } else if (n->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* s = n->d.iPAddress;
      std::array<char, INET6_ADDRSTRLEN> text{};
      const int family = ASN1_STRING_length(s) == 4 ? AF_INET : AF_INET6;
      if (inet_ntop(family, ASN1_STRING_get0_data(s), text.data(), text.size()) != nullptr) {
        out.push_back(fmt::format("IP:{}", text.data()));
      }
    }
  }
  return out;
}

int VerifyCallback(int preverify_ok, X509_STORE_CTX* store) {
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* record = static_cast<VerifyRecord*>(SSL_get_app_data(ssl));
  // The server's own certificate, whichever certificate of the chain this
  // call is about (an untrusted chain fails before depth 0 is reached).
  X509* cert = X509_STORE_CTX_get0_cert(store);
  if (record != nullptr && cert != nullptr && record->names.empty() && record->subject_cn.empty()) {
    record->names = AltNames(cert);
    record->not_after = NotAfter(cert);
    std::array<char, 256> cn{};
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn.data(),
                                  static_cast<int>(cn.size())) > 0) {
      record->subject_cn = cn.data();
    }
  }
  if (record != nullptr && preverify_ok == 0 && record->first_error == X509_V_OK) {
    record->first_error = X509_STORE_CTX_get_error(store);
  }
  return preverify_ok;
}

std::string FormatTime(int64_t seconds) {
  std::tm tm{};
  const auto t = static_cast<std::time_t>(seconds);
  gmtime_r(&t, &tm);
  std::array<char, 32> text{};
  (void)std::strftime(text.data(), text.size(), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text.data();
}

}  // namespace

struct TlsSession::State {
  std::shared_ptr<const TlsContext> context;
  std::string host;
  std::unique_ptr<SSL, SslFree> ssl;
  BIO* in = nullptr;   // owned by ssl: ciphertext from the socket
  BIO* out = nullptr;  // owned by ssl: ciphertext to send
  VerifyRecord record;

  const TlsSettings& settings() const { return context->settings(); }
  std::string CaDescription() const {
    return settings().ca_file.empty() ? std::string("the system's CA store")
                                      : fmt::format("tls.ca_file {}", settings().ca_file);
  }
};

Result<std::unique_ptr<TlsSession>> TlsSession::Create(const TlsSettings& settings,
                                                       const std::string& host) {
  Result<std::shared_ptr<const TlsContext>> context = TlsContext::Load(settings);
  if (!context.ok()) return context.status();
  return Create(std::move(context).value(), host);
}

Result<std::unique_ptr<TlsSession>> TlsSession::Create(std::shared_ptr<const TlsContext> context,
                                                       const std::string& host) {
  ERR_clear_error();
  auto state = std::make_unique<State>();
  state->context = std::move(context);
  const TlsSettings& settings = state->context->settings();
  state->host = settings.server_name.empty() ? host : settings.server_name;
  state->ssl.reset(SSL_new(state->context->get()));
  state->in = BIO_new(BIO_s_mem());
  state->out = BIO_new(BIO_s_mem());
  if (!state->ssl || state->in == nullptr || state->out == nullptr) {
    BIO_free(state->in);
    BIO_free(state->out);
    return Status::Error("TLS: out of memory: " + TakeOpenSslError());
  }
  SSL* ssl = state->ssl.get();
  SSL_set_bio(ssl, state->in, state->out);
  SSL_set_connect_state(ssl);
  SSL_set_app_data(ssl, &state->record);
  SSL_set_verify(ssl, settings.insecure_skip_verify ? SSL_VERIFY_NONE : SSL_VERIFY_PEER,
                 VerifyCallback);
  const bool ip = IsIpLiteral(state->host);
  if (!ip && SSL_set_tlsext_host_name(ssl, state->host.c_str()) != 1) {
    return Status::Error("TLS: cannot send server name " + state->host);
  }
  if (!settings.insecure_skip_verify) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    // A name is checked against DNS names only, an IP against IP addresses:
    // never against the subject's CN.
    X509_VERIFY_PARAM_set_hostflags(
        param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
    const int set = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, state->host.c_str())
                       : X509_VERIFY_PARAM_set1_host(param, state->host.c_str(), 0);
    if (set != 1) return Status::Error("TLS: cannot verify server name " + state->host);
  }
  return std::unique_ptr<TlsSession>(new TlsSession(std::move(state)));
}

TlsSession::TlsSession(std::unique_ptr<State> state) : state_(std::move(state)) {}

TlsSession::~TlsSession() = default;

void TlsSession::Feed(std::string_view ciphertext) {
  if (!ciphertext.empty()) {
    (void)BIO_write(state_->in, ciphertext.data(), static_cast<int>(ciphertext.size()));
  }
}

void TlsSession::TakeOutput(std::string* out) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(state_->out, &data);  // NOLINT(google-runtime-int)
  if (n <= 0) return;
  out->append(data, static_cast<size_t>(n));
  (void)BIO_reset(state_->out);
}

TlsSession::Step TlsSession::Handshake() {
  ERR_clear_error();
  const int r = SSL_do_handshake(state_->ssl.get());
  if (r == 1) return Step::kDone;
  return Fail(r);
}

bool TlsSession::Write(std::string_view plaintext) {
  ERR_clear_error();
  if (plaintext.empty()) return true;
  const int r = SSL_write(state_->ssl.get(), plaintext.data(), static_cast<int>(plaintext.size()));
  if (r > 0) return true;
  (void)Fail(r);
  return false;
}

TlsSession::Step TlsSession::Read(std::string* plaintext) {
  ERR_clear_error();
  std::array<char, kReadChunk> buffer{};
  for (;;) {
    const int n = SSL_read(state_->ssl.get(), buffer.data(), static_cast<int>(buffer.size()));
    if (n > 0) {
      plaintext->append(buffer.data(), static_cast<size_t>(n));
      continue;
    }
    return Fail(n);
  }
}

std::optional<int64_t> TlsSession::PeerNotAfter() const {
  return NotAfter(SSL_get0_peer_certificate(state_->ssl.get()));
}

TlsSession::Step TlsSession::Fail(int ssl_result) {
  const int kind = SSL_get_error(state_->ssl.get(), ssl_result);
  if (kind == SSL_ERROR_WANT_READ || kind == SSL_ERROR_WANT_WRITE) return Step::kWantRead;
  if (kind == SSL_ERROR_ZERO_RETURN) {
    error_ = "the server ended the TLS session";
    return Step::kClosed;
  }
  const unsigned long e = ERR_peek_last_error();  // NOLINT(google-runtime-int)
  const int reason = ERR_GET_REASON(e);
  const VerifyRecord& v = state_->record;
  const std::string names = v.names.empty()
                                ? fmt::format("no subject alternative names, CN={}", v.subject_cn)
                                : fmt::format("{}", fmt::join(v.names, ", "));
  switch (v.first_error) {
    case X509_V_OK:
      break;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      error_ = fmt::format(
          "TLS: the server's certificate is not for {} (it names {}): set tls.server_name to a "
          "name it holds",
          state_->host, names);
      break;
    case X509_V_ERR_CERT_HAS_EXPIRED:
      error_ = fmt::format("TLS: the server's certificate expired on {}: the server must renew it",
                           v.not_after ? FormatTime(*v.not_after) : std::string("(unknown)"));
      break;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      error_ = "TLS: the server's certificate is not valid yet: check the clocks of both hosts";
      break;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      error_ = fmt::format(
          "TLS: the server's certificate ({}) is not trusted by {} ({}): set tls.ca_file to "
          "the CA that signed it",
          names, state_->CaDescription(), X509_verify_cert_error_string(v.first_error));
      break;
    default:
      error_ = fmt::format("TLS: the server's certificate was refused: {}",
                           X509_verify_cert_error_string(v.first_error));
      break;
  }
  if (v.first_error == X509_V_OK) {
    if (reason == SSL_R_WRONG_VERSION_NUMBER || reason == SSL_R_PACKET_LENGTH_TOO_LONG ||
        reason == SSL_R_UNKNOWN_PROTOCOL || reason == SSL_R_RECORD_LENGTH_MISMATCH) {
      error_ =
          "TLS: the server answered in plain text, not TLS: is this a plain (non-TLS) port? "
          "use redis:// or host:port without tls";
    } else if (reason == SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED ||
               (reason == SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE &&
                state_->settings().cert_file.empty())) {
      error_ = "TLS: the server requires a client certificate: set tls.cert_file and tls.key_file";
    } else if (reason == SSL_R_SSLV3_ALERT_BAD_CERTIFICATE ||
               reason == SSL_R_TLSV1_ALERT_UNKNOWN_CA) {
      error_ = fmt::format(
          "TLS: the server refused our client certificate (tls.cert_file {}): is it signed by "
          "a CA the server trusts (its tls-ca-cert-file)?",
          state_->settings().cert_file);
    } else {
      error_ = "TLS: " + TakeOpenSslError();
    }
  }
  ERR_clear_error();
  return Step::kError;
}

}  // namespace memwatch::poller
