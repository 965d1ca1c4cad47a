// A TCP proxy on 127.0.0.1:<ephemeral port> in front of a real receiver on
// loopback, for tests of what the daemon does when a receiver misbehaves:
// the first `misbehaving` connections get a scripted behaviour, every later
// one is forwarded both ways to 127.0.0.1:<upstream port>, so the receiver
// "recovers". One thread accepts; each connection is served by its own.
//
//   HttpReceiver hook;
//   FlakyProxy proxy(hook.port(), FlakyProxy::Behaviour::kReset, 3);
//   ... url: http://127.0.0.1:<proxy.Port()>/hook ...
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

namespace memwatch::testing {

class FlakyProxy {
 public:
  enum class Behaviour {
    // Reads what the client sends once, then closes with SO_LINGER {1, 0}:
    // the kernel sends an RST and the client sees ECONNRESET.
    kReset,
    // Speaks SMTP itself: greets with 220, answers the EHLO line with 250,
    // then never writes again and keeps the connection open (reading and
    // dropping what comes) until the client closes it or the proxy stops.
    kStallAfterEhlo,
  };

  // Listens at once; throws std::runtime_error if it cannot. Nothing needs
  // to listen on `upstream_port` until the first forwarded connection.
  FlakyProxy(int upstream_port, Behaviour behaviour, int misbehaving);
  // Closes the listener and every connection; joins all threads.
  ~FlakyProxy();
  FlakyProxy(const FlakyProxy&) = delete;
  FlakyProxy& operator=(const FlakyProxy&) = delete;

  int Port() const { return port_; }
  // Connections accepted so far, misbehaved or forwarded.
  int Accepted() const { return accepted_.load(); }
  // How long each finished misbehaving connection lasted, in the order they
  // ended: from accept until we reset it (kReset) or the client closed it
  // (kStallAfterEhlo). A connection still open is not listed.
  std::vector<std::chrono::steady_clock::duration> MisbehavedLifetimes() const;

 private:
  void AcceptLoop();
  void Misbehave(int fd);
  void StallAfterEhlo(int fd);
  void Forward(int fd);
  // Writes all of `bytes` unless the peer goes away or we stop.
  bool SendAll(int fd, std::string_view bytes);
  // Waits until `fd` has `events` or the proxy stops; false when stopping.
  bool WaitFor(int fd, short events);

  const int upstream_port_;
  const Behaviour behaviour_;
  const int misbehaving_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;  // eventfd, readable once stopping
  int port_ = 0;
  std::atomic<int> accepted_{0};
  std::thread accept_thread_;

  mutable std::mutex mu_;
  std::vector<std::thread> connection_threads_;                      // guarded by mu_
  std::vector<std::chrono::steady_clock::duration> misbehaved_for_;  // guarded by mu_
};

}  // namespace memwatch::testing
