// One target's connection: a non-blocking socket driven by the poller's event
// loop through connect, the TLS handshake (for a TLS target, tls_session.h),
// AUTH (once per connection) and INFO, each step bounded by its own deadline. Persistent: after a
// successful poll the socket stays open for the next one; after any failure it is closed, so the
// next poll starts from a fresh connection.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "memwatch/clock.h"
#include "memwatch/poll_failure.h"
#include "poller/event_loop.h"
#include "poller/poller.h"
#include "poller/reply_reader.h"
#include "poller/socket_address.h"
#include "poller/tls_context_cache.h"
#include "poller/tls_session.h"

namespace memwatch::poller {

// How one poll ended, as the connection saw it.
struct PollOutcome {
  PollFailure failure = PollFailure::kNone;
  std::string message;  // for people; never contains the password
  std::string info;     // the INFO text iff failure == kNone
};

class Connection {
 public:
  // The socket is registered with `loop` under `tag` while open. A TLS
  // target takes its context from `tls_contexts` (which must outlive it)
  // for each new connection.
  Connection(EventLoop* loop, uint64_t tag, PollTarget target, const PollerOptions& options,
             TlsContextCache* tls_contexts);
  ~Connection() { Close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Begins a poll; requires !busy(). Connects (and authenticates) first when
  // there is no open connection. Returns the outcome when the poll ended at
  // once (e.g. the host did not resolve), else nullopt: wait for OnReady() or
  // the deadline.
  std::optional<PollOutcome> StartPoll(MonoTime now);

  // The loop saw `events` on this connection's socket. Returns the outcome
  // iff this finished the poll in flight. Events while idle are the server
  // closing an idle connection (closed quietly: no poll is affected).
  std::optional<PollOutcome> OnReady(uint32_t events, MonoTime now);

  // Ends the poll in flight with kTimeout if its request's deadline passed
  // and its reply has not come: a reply already in the socket (the loop
  // came late to it) is read and ends the poll as OnReady would.
  std::optional<PollOutcome> OnDeadline(MonoTime now);

  // True iff a poll is in flight.
  bool busy() const;
  // The deadline of the request in flight (busy() only).
  std::optional<MonoTime> deadline() const;
  // True iff the socket is open (connected or connecting).
  bool open() const { return fd_ >= 0; }

  // Closes the socket, if open, without reporting anything.
  void Close();

  // The notAfter of the certificate the server presented on the current or
  // last TLS connection (seconds since the epoch); nullopt without TLS.
  std::optional<int64_t> tls_not_after() const { return tls_not_after_; }

  // Bounds every request started from now on (a reload changed `timeout`);
  // the one in flight keeps its deadline.
  void SetTimeout(Duration timeout) { timeout_ = timeout; }

 private:
  enum class State { kClosed, kConnecting, kHandshaking, kAuthenticating, kIdle, kAwaitingInfo };

  // Resolves and connects afresh (closing any socket), then AUTH and INFO.
  std::optional<PollOutcome> Connect(MonoTime now);
  std::optional<PollOutcome> ConnectNextAddress(MonoTime now);
  // TCP is up: TLS first for a TLS target, else AUTH or INFO.
  std::optional<PollOutcome> OnTcpConnected(MonoTime now);
  std::optional<PollOutcome> ContinueHandshake(MonoTime now);
  std::optional<PollOutcome> DriveHandshake(MonoTime now);
  // Fails the poll with kTls: the peer closed or reset during the handshake.
  std::optional<PollOutcome> ClosedDuringHandshake();
  std::optional<PollOutcome> OnConnected(MonoTime now);
  std::optional<PollOutcome> SendInfo(MonoTime now);
  std::optional<PollOutcome> Send(const std::string& request, State next, MonoTime now);
  std::optional<PollOutcome> Flush(MonoTime now);
  std::optional<PollOutcome> ReadAndParse(MonoTime now);
  std::optional<PollOutcome> OnReply(Reply reply, MonoTime now);
  std::optional<PollOutcome> OnInfoError(const std::string& error, MonoTime now);
  // True iff the poll in flight sent INFO on a kept connection and the
  // server closed it before a byte of the reply: it closed an idle
  // connection (its `timeout`, a proxy, a restart) just as we used it. That
  // poll is retried once on a fresh connection instead of failing.
  bool ClosedBeforeReply() const;
  // Closes the connection and returns the failure.
  PollOutcome Fail(PollFailure failure, std::string message);
  void WatchEvents();
  std::string Safe(std::string_view server_text) const;

  EventLoop* loop_;
  uint64_t tag_;
  PollTarget target_;
  Duration timeout_;
  std::string address_;  // for messages: FormatAddress(target_.endpoint)

  State state_ = State::kClosed;
  int fd_ = -1;
  uint32_t watched_events_ = 0;  // what fd_ is registered for in loop_
  MonoTime deadline_;            // of the request in flight

  // Addresses left to try for the connect in progress.
  std::vector<SocketAddress> addresses_;
  size_t next_address_ = 0;
  int last_connect_errno_ = 0;
  std::string last_connect_address_;

  std::string out_;  // request bytes not yet written (ciphertext with TLS)
  size_t out_offset_ = 0;
  ReplyReader reader_;
  TlsContextCache* tls_contexts_;
  std::unique_ptr<TlsSession> tls_;  // set while a TLS connection is open
  std::optional<int64_t> tls_not_after_;

  // Whether this server takes several INFO sections. Probed again on each
  // new connection (the server may have been upgraded); a Redis < 7 costs one
  // "-ERR syntax error" per connection.
  bool reused_ = false;  // the poll in flight began on a kept connection

  bool multi_section_ = true;
  bool sent_multi_section_ = false;  // what the INFO in flight asked for
};

}  // namespace memwatch::poller
