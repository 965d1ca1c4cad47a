// A misbehaving RESP server on 127.0.0.1:<ephemeral port>, for tests of a
// client's defences: it plays one scripted behaviour on every connection,
// each connection served by its own thread. Records the commands it parsed.
//
//   FakeRespServer garbage(FakeRespServer::Behaviour::kGarbage);
//   FakeRespServer old_redis(FakeRespServer::Behaviour::kRespond,
//                            [](const std::vector<std::string>& argv) { ... });
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace memwatch::testing {

class FakeRespServer {
 public:
  enum class Behaviour {
    kRespond,        // answers each command with responder(argv); "" = no answer
    kNeverAnswer,    // reads every request, never writes
    kCloseOnAccept,  // closes each connection as soon as it is accepted
    kGarbage,        // answers each command with bytes that are not RESP
    kCloseMidReply,  // answers the first command with half a bulk string, then closes
    kHugeBulk,       // answers the first command with a bulk of huge_bulk_bytes,
                     // streamed (never held in memory) until the client stops reading
    // Answers the first command with half a bulk string, then keeps the
    // connection open, reading, and never writes again.
    kPartialThenStall,
  };
  // Returns the raw bytes to send (see Bulk, Error) for one parsed command,
  // or kCloseConnection to close the connection without answering.
  static constexpr std::string_view kCloseConnection = "<close the connection>";
  using Responder = std::function<std::string(const std::vector<std::string>& argv)>;

  // Listens at once; throws std::runtime_error if it cannot.
  explicit FakeRespServer(Behaviour behaviour, Responder responder = {},
                          size_t huge_bulk_bytes = 20 * 1024 * 1024);
  // Closes the listener and every connection; joins all threads.
  ~FakeRespServer();
  FakeRespServer(const FakeRespServer&) = delete;
  FakeRespServer& operator=(const FakeRespServer&) = delete;

  int Port() const { return port_; }
  int Accepted() const { return accepted_.load(); }
  // Every command parsed so far, in order, over all connections.
  std::vector<std::vector<std::string>> Commands() const;
  // Bytes of the huge bulk the client took before it closed (kHugeBulk).
  size_t HugeBytesSent() const { return huge_sent_.load(); }

  // RESP encodings for responders.
  static std::string Bulk(std::string_view text);
  static std::string Error(std::string_view text);  // without the leading '-'
  // INFO text as a Redis `version` would send it (a few fields per section).
  static std::string InfoText(std::string_view version = "6.2.14");

 private:
  void AcceptLoop();
  void Serve(int fd);
  // Writes all of `bytes` unless the client goes away or we stop.
  bool SendAll(int fd, std::string_view bytes);
  // Waits until `fd` has `events` or the server stops; false when stopping.
  bool WaitFor(int fd, short events);

  const Behaviour behaviour_;
  const Responder responder_;
  const size_t huge_bulk_bytes_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;  // eventfd, readable once stopping
  int port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<size_t> huge_sent_{0};
  std::thread accept_thread_;

  mutable std::mutex mu_;
  std::vector<std::thread> connection_threads_;     // guarded by mu_
  std::vector<std::vector<std::string>> commands_;  // guarded by mu_
};

}  // namespace memwatch::testing
