// A blocking Redis client for one target, on a connection of its own (never
// the INFO poller's), for the keyspace sampler: SCAN, TYPE, TTL and
// `MEMORY USAGE key SAMPLES 0`, sent in pipelines. Blocking with deadlines:
// poll(2) on a non-blocking socket, no threads inside. One caller at a time
// (doctor's bounded one-shot scan, or the daemon's sampler thread): it is
// not thread-safe, and it shares nothing with the poller's loop (it keeps
// its own TLS contexts).
//
// The path of a call: connect (each address the endpoint resolves to, in
// turn), the TLS handshake for a TLS target, AUTH when a password is set,
// then the commands of the pipeline in one write (or as the socket takes
// them, reading replies meanwhile), then exactly one reply per command.
// Everything within the one deadline the call was given, read through the
// Clock seam. Replies are parsed by ReplyReader with a byte cap per reply and
// ArrayLimits (SCAN answers `[cursor, [key, ...]]`).
//
// Failures are values. A reply that is an error (`-ERR`, `-WRONGTYPE`,
// `-NOPERM`) is a Reply of type kError among the others, not a failure of
// the call: its text is the server's, as sent. A timeout, a lost connection,
// a protocol error, a reply over the limits or a refused AUTH fail the call
// with a Status whose message names the address and never contains the
// password; the connection is then closed, and the next call connects
// afresh.
//
// Pipeline size is the caller's job: every reply of a pipeline is held in
// memory until the last one arrives (each at most max_reply_bytes, and
// Redis buffers them too), and one deadline covers them all. Keep
// pipelines to a few hundred commands and SCAN's COUNT well under
// ArrayLimits::max_elements.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memwatch/clock.h"
#include "memwatch/result.h"
#include "poller/poller.h"
#include "poller/reply_reader.h"
#include "poller/tls_context_cache.h"
#include "poller/tls_session.h"

namespace memwatch::poller {

struct CommandClientOptions {
  // Bytes one reply may take on the wire. A SCAN reply of 10,000 keys of
  // 100 bytes is ~1.1 MB.
  size_t max_reply_bytes = size_t{4} * 1024 * 1024;
  // Elements one reply may hold (SCAN of n keys: 2 + n) and how deep.
  ArrayLimits arrays = {.max_elements = 10'000, .max_depth = 2};
};

class CommandClient {
 public:
  // `clock` must outlive the client; only its Now() is read.
  CommandClient(PollTarget target, CommandClientOptions options, const Clock& clock);
  ~CommandClient();
  CommandClient(const CommandClient&) = delete;
  CommandClient& operator=(const CommandClient&) = delete;

  // Connects, handshakes and authenticates unless a connection is open
  // already (then Ok at once, without checking that the server is still
  // there). Fails if any step does not finish by `deadline`.
  Status Connect(MonoTime deadline);

  // Sends every command (an argv each, binary-safe) and returns their
  // replies, in order, one per command; connects first when no connection
  // is open. An empty `commands` returns no replies without any I/O.
  //
  // A connection kept from an earlier call that the server closed while it
  // sat idle (its `timeout`, a restart) is noticed when the server closes
  // it before the first byte of any reply: the pipeline is then sent once
  // more on a fresh connection, so a command may reach the server twice.
  // Meant for read-only commands.
  Result<std::vector<Reply>> Pipeline(const std::vector<std::vector<std::string>>& commands,
                                      MonoTime deadline);

  // Subscription mode (after SUBSCRIBE or PSUBSCRIBE the server sends
  // messages unasked, and answers only a few commands). Send writes one
  // command, connecting first when no connection is open, and returns
  // without waiting for its reply: Receive reads the reply with the
  // messages. Fails like Pipeline.
  Status Send(const std::vector<std::string>& command, MonoTime deadline);
  // Returns every reply and message that arrived by `deadline`: at least
  // one, unless none came in time (then none, and the connection stays
  // open). Fails when no connection is open, the server closed it (the
  // messages of that last read are lost with it), or a reply is malformed
  // or over the limits; the connection is then closed.
  Result<std::vector<Reply>> Receive(MonoTime deadline);

  // True iff a connection is open (as far as this side knows).
  bool connected() const { return fd_ >= 0; }
  // Closes the connection, if open.
  void Close();

  // How the target is named in messages: "10.0.0.1:6379", "unix:/path".
  const std::string& address() const { return address_; }
  // The notAfter of the certificate the server presented on the current or
  // last TLS connection (seconds since the epoch); nullopt without TLS.
  std::optional<int64_t> tls_not_after() const { return tls_not_after_; }

 private:
  enum class Wait { kReady, kTimeout, kFailed };

  // Waits until the socket has one of `events` (or an error or hangup) or
  // the deadline passes; sets *revents when ready.
  Wait WaitFor(int events, MonoTime deadline, int* revents);
  Status ConnectTo(MonoTime deadline);
  Status Handshake(MonoTime deadline);
  Status Authenticate(MonoTime deadline);
  // Queues `request` (encrypted with TLS), writes it and reads `count`
  // replies into *replies, writing and reading as the socket allows.
  Status Exchange(std::string_view request, size_t count, MonoTime deadline, const char* what,
                  std::vector<Reply>* replies);
  // Sends what out_ holds until the socket would block.
  Status SendSome();
  // Reads once and parses every complete reply into *replies; more than
  // `count` replies, or bytes after the last one, are a protocol error.
  Status ReceiveSome(size_t count, const char* what, std::vector<Reply>* replies);
  Status FeedReader(std::string_view bytes, size_t count, const char* what,
                    std::vector<Reply>* replies);
  // Closes the connection and returns the failure.
  Status Fail(std::string message);
  std::string Safe(std::string_view server_text) const;

  PollTarget target_;
  CommandClientOptions options_;
  const Clock& clock_;
  std::string address_;  // FormatAddress(target_.endpoint)

  int fd_ = -1;
  std::string out_;  // bytes not yet written (ciphertext with TLS)
  ReplyReader reader_;
  TlsContextCache tls_contexts_;
  std::unique_ptr<TlsSession> tls_;  // set while a TLS connection is open
  std::optional<int64_t> tls_not_after_;
  // Set by a failed Exchange when the server closed the connection (or
  // reset it) before a byte of any reply: see Pipeline.
  bool closed_before_reply_ = false;
};

}  // namespace memwatch::poller
