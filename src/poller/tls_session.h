// TLS over the poller's own socket I/O. OpenSSL reads and writes two memory
// BIOs; the connection moves the ciphertext with recv() and
// send(MSG_NOSIGNAL), so OpenSSL never touches the socket: a peer that
// closed gives EPIPE, not SIGPIPE, and the one epoll loop drives every
// target. TLS 1.2 or later; the server is verified (CA file or the system
// store, then its name: a DNS name as a host name, an IP literal against
// the certificate's IP addresses, never the subject's CN) unless
// insecure_skip_verify. Sessions with the same settings share one context
// (tls_context.h, tls_context_cache.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "memwatch/result.h"
#include "memwatch/tls_settings.h"
#include "poller/tls_context.h"

namespace memwatch::poller {

class TlsSession {
 public:
  // `host` is the name or IP literal to verify and, for a name, to send as
  // SNI: the settings' server_name, else the address's host.
  static Result<std::unique_ptr<TlsSession>> Create(std::shared_ptr<const TlsContext> context,
                                                    const std::string& host);
  // The same with a context of its own, loaded now from the files of
  // `settings`.
  static Result<std::unique_ptr<TlsSession>> Create(const TlsSettings& settings,
                                                    const std::string& host);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  enum class Step {
    kDone,      // Handshake: finished. Read: every byte fed was decrypted.
    kWantRead,  // needs more ciphertext from the socket
    kClosed,    // the server ended the TLS session (close_notify)
    kError,     // see error()
  };

  // Ciphertext received from the socket.
  void Feed(std::string_view ciphertext);
  // Appends the ciphertext waiting to be sent (handshake messages,
  // encrypted requests) to `out`.
  void TakeOutput(std::string* out);

  // Advances the handshake with what was fed.
  Step Handshake();
  // Encrypts `plaintext`; its ciphertext comes out of TakeOutput. Requires a
  // finished handshake. False on error (see error()).
  bool Write(std::string_view plaintext);
  // Decrypts everything fed so far, appending it to `plaintext`: kWantRead
  // when all of it was read (nothing stays buffered inside OpenSSL, where
  // epoll would not report it), kClosed or kError.
  Step Read(std::string* plaintext);

  // What went wrong, for people, with what to do about it: which CA was
  // used, the names the certificate holds, a plain-text server.
  const std::string& error() const { return error_; }

  // The server certificate's notAfter (seconds since the epoch), once the
  // handshake finished.
  std::optional<int64_t> PeerNotAfter() const;

 private:
  struct State;
  explicit TlsSession(std::unique_ptr<State> state);
  Step Fail(int ssl_result);

  std::unique_ptr<State> state_;
  std::string error_;
};

}  // namespace memwatch::poller
